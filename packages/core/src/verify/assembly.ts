import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a CloudFormation template verify reads. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** One template of an assembly: a top-level stack, or a nested stack inside its parent. */
export interface AssemblyTemplate {
  /** Stack name for top-level stacks; `Parent/NestedLogicalId` for nested ones. */
  readonly stack: string;
  readonly template: CfnTemplate;
  /** For a nested stack: the parent template and the AWS::CloudFormation::Stack resource that creates it. */
  readonly parent?: { readonly template: AssemblyTemplate; readonly logicalId: string };
  /** Nested stacks of this template by their logical id in it. */
  readonly nested: Map<string, AssemblyTemplate>;
  /** The stack's environment from the manifest (`aws://account/region`), when it is resolved; nested stacks inherit it. */
  readonly environment?: { readonly account?: string; readonly region?: string };
}

export interface CloudAssemblyInput {
  readonly templates: readonly AssemblyTemplate[];
}

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly environment?: string;
  readonly properties?: { templateFile?: string; stackName?: string; directoryName?: string; file?: string };
}

/** Asset object keys (what a nested stack's TemplateURL ends with) -> the file in the assembly. */
type AssetFiles = Map<string, string>;

/** Thrown for an unreadable assembly; the message names the file and the fix. */
export class AssemblyReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyReadError';
  }
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file))
    throw new AssemblyReadError(`${file}: no such file (${what}; run \`cdk synth\` or \`npm run synth\` first)`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AssemblyReadError(`${file}: not JSON (${(e as Error).message})`);
  }
}

/**
 * Reads a synthesized cloud assembly (`cdk.out`): every stack the manifest lists, the nested stacks
 * their templates create (by the asset path CDK records on the AWS::CloudFormation::Stack resource)
 * and the assemblies of CDK stages, recursively. No AWS calls: only files.
 */
export function readCloudAssembly(dir: string): CloudAssemblyInput {
  const templates: AssemblyTemplate[] = [];
  const visit = (assemblyDir: string): void => {
    const manifest = readJson(join(assemblyDir, 'manifest.json'), 'the cloud assembly manifest') as {
      artifacts?: Record<string, ManifestArtifact>;
    };
    const assets: AssetFiles = new Map();
    for (const artifact of Object.values(manifest.artifacts ?? {})) {
      if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
      const files = (
        readJson(join(assemblyDir, artifact.properties.file), 'an asset manifest') as {
          files?: Record<string, { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }>;
        }
      ).files;
      for (const asset of Object.values(files ?? {}))
        for (const d of Object.values(asset.destinations ?? {}))
          if (d.objectKey && asset.source?.path) assets.set(d.objectKey, asset.source.path);
    }
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
        visit(join(assemblyDir, artifact.properties.directoryName));
        continue;
      }
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
      const name = artifact.properties.stackName ?? artifact.displayName ?? id;
      const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
      const known = (v: string | undefined) => (v && !v.startsWith('unknown-') ? v : undefined);
      const environment = { account: known(account), region: known(region) };
      templates.push(...loadStack(assemblyDir, assets, artifact.properties.templateFile, name, environment));
    }
  };
  visit(dir);
  return { templates };
}

/** The assembly file of a nested stack: CDK's asset-path metadata when recorded, else its TemplateURL's object key. */
function nestedTemplateFile(resource: CfnResource, assets: AssetFiles): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return assetPath;
  const url = JSON.stringify(resource.Properties?.TemplateURL ?? '');
  for (const [objectKey, file] of assets) if (url.includes(`/${objectKey}"`)) return file;
  return undefined;
}

function loadStack(
  dir: string,
  assets: AssetFiles,
  file: string,
  stack: string,
  environment: AssemblyTemplate['environment'],
  parent?: AssemblyTemplate['parent'],
): AssemblyTemplate[] {
  const template = readJson(join(dir, file), `template of stack ${stack}`) as CfnTemplate;
  const self: AssemblyTemplate = { stack, template, nested: new Map(), environment, ...(parent ? { parent } : {}) };
  const out = [self];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const nestedFile = nestedTemplateFile(resource, assets);
    if (!nestedFile) continue;
    const children = loadStack(dir, assets, nestedFile, `${stack}/${logicalId}`, environment, {
      template: self,
      logicalId,
    });
    self.nested.set(logicalId, children[0]!);
    out.push(...children);
  }
  return out;
}

/** An assembly from templates in memory (tests, or callers that synthesized in-process). */
export function assemblyFromTemplates(stacks: Readonly<Record<string, CfnTemplate>>): CloudAssemblyInput {
  return {
    templates: Object.entries(stacks).map(([stack, template]) => ({ stack, template, nested: new Map() })),
  };
}

/** What a template value stands for once intrinsics are followed across stacks. */
export type Resolved =
  | { readonly kind: 'literal'; readonly value: string }
  | {
      readonly kind: 'resource';
      readonly template: AssemblyTemplate;
      readonly logicalId: string;
      readonly resource: CfnResource;
      /** The GetAtt attribute; undefined for a Ref. */
      readonly attribute?: string;
    }
  | { readonly kind: 'pseudo'; readonly name: string }
  | { readonly kind: 'unresolved'; readonly why: string };

/**
 * Follows Ref, Fn::GetAtt, Fn::ImportValue (to the exporting stack's output), nested-stack
 * parameters (to the value the parent passes) and nested-stack outputs (GetAtt Outputs.X)
 * until a literal or the resource the value comes from.
 */
export function resolveValue(
  assembly: CloudAssemblyInput,
  where: AssemblyTemplate,
  value: unknown,
  depth = 0,
): Resolved {
  if (depth > 20) return { kind: 'unresolved', why: 'a reference cycle' };
  if (typeof value === 'string') return { kind: 'literal', value };
  if (typeof value === 'number') return { kind: 'literal', value: String(value) };
  if (!value || typeof value !== 'object') return { kind: 'unresolved', why: `the value ${JSON.stringify(value)}` };
  const o = value as Record<string, unknown>;
  if (typeof o.Ref === 'string') {
    const id = o.Ref;
    if (id.startsWith('AWS::')) return { kind: 'pseudo', name: id };
    const resource = where.template.Resources?.[id];
    if (resource) return { kind: 'resource', template: where, logicalId: id, resource };
    if (where.template.Parameters?.[id]) {
      const parent = where.parent;
      const passed = parent
        ? (parent.template.template.Resources?.[parent.logicalId]?.Properties?.Parameters as Record<string, unknown>)?.[
            id
          ]
        : undefined;
      if (parent && passed !== undefined) return resolveValue(assembly, parent.template, passed, depth + 1);
      const fallback = where.template.Parameters[id]?.Default;
      if (fallback !== undefined) return resolveValue(assembly, where, fallback, depth + 1);
      return { kind: 'unresolved', why: `parameter ${id} of ${where.stack}, which has no value in the assembly` };
    }
    return { kind: 'unresolved', why: `Ref ${id}, which is not in ${where.stack}` };
  }
  const getAtt = o['Fn::GetAtt'];
  if (getAtt !== undefined) {
    const [id, attribute] = Array.isArray(getAtt)
      ? [String(getAtt[0]), String(getAtt[1])]
      : [String(getAtt).split('.')[0]!, String(getAtt).split('.').slice(1).join('.')];
    const resource = where.template.Resources?.[id];
    if (!resource) return { kind: 'unresolved', why: `Fn::GetAtt ${id}, which is not in ${where.stack}` };
    const nested = where.nested.get(id);
    if (nested && attribute.startsWith('Outputs.')) {
      const output = nested.template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!output)
        return { kind: 'unresolved', why: `output ${attribute} of nested stack ${nested.stack}, which it lacks` };
      return resolveValue(assembly, nested, output.Value, depth + 1);
    }
    return { kind: 'resource', template: where, logicalId: id, resource, attribute };
  }
  if (o['Fn::ImportValue'] !== undefined) {
    const name = resolveValue(assembly, where, o['Fn::ImportValue'], depth + 1);
    if (name.kind !== 'literal')
      return { kind: 'unresolved', why: 'an Fn::ImportValue whose export name is not literal' };
    for (const t of assembly.templates) {
      for (const output of Object.values(t.template.Outputs ?? {})) {
        const exported = output.Export?.Name;
        if (exported === undefined) continue;
        const exportName = resolveValue(assembly, t, exported, depth + 1);
        if (exportName.kind === 'literal' && exportName.value === name.value)
          return resolveValue(assembly, t, output.Value, depth + 1);
      }
    }
    return { kind: 'unresolved', why: `the import ${name.value}, which no stack of the assembly exports` };
  }
  return { kind: 'unresolved', why: `the expression ${JSON.stringify(value).slice(0, 120)}` };
}

/** Every resource of the assembly, with the template it is in. */
export function* allResources(
  assembly: CloudAssemblyInput,
): Generator<{ template: AssemblyTemplate; logicalId: string; resource: CfnResource }> {
  for (const template of assembly.templates)
    for (const [logicalId, resource] of Object.entries(template.template.Resources ?? {}))
      yield { template, logicalId, resource };
}
