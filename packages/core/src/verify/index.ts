export {
  readCloudAssembly,
  assemblyFromTemplates,
  resolveValue,
  AssemblyReadError,
  type CloudAssemblyInput,
  type AssemblyTemplate,
  type CfnTemplate,
  type CfnResource,
  type Resolved,
} from './assembly';
export * from './publishers';
export {
  verifyAssembly,
  parseSearch,
  type VerifyReport,
  type DeadPanel,
  type DeadAlarm,
  type DeadMetric,
  type VerifyOptions,
} from './verify';
