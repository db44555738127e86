export * from './events/types';
export * from './events/metadata';
export { parseAlarmArn, consoleAlarmUrl } from './events/arn';
export { parseCloudWatchMessage } from './events/cloudwatch-message';
export { parseEventBridgeAlarm, ALARM_STATE_CHANGE } from './events/eventbridge';
export { parseInbound, type Inbound } from './events/inbound';
export { readInbound, classifyEvent, type ClassifyOptions } from './events/classify';
export {
  cloudWatchBudgetReader,
  wantsBudget,
  type BudgetReader,
  type BudgetReading,
  type CloudWatchBudgetOptions,
} from './events/budget';
export { consoleDashboardUrl } from './events/arn';
export {
  cloudWatchNotifications,
  alarmDefinitionFromTemplate,
  type DeployTarget,
  type TemplateResource,
  type AlarmDefinition,
  type CfnMetricDataQuery,
  type CloudWatchNotifications,
  type StateChange,
} from './events/notifications';
export {
  metadataFromTags,
  TagEnricher,
  cloudWatchTagLookup,
  TAG_PREFIX,
  type TagLookup,
  type TagEnricherOptions,
} from './events/tags';
export {
  RouteTree,
  RoutingConfigError,
  ROUTE_DEFAULTS,
  isMuted,
  muteDetail,
  type RouteMatch,
  type OpenWindow,
} from './routing/tree';
export { eventLabels, BUILTIN_LABELS } from './routing/labels';
export {
  renderSlack,
  renderThreadRoot,
  THREAD_COLORS,
  type SlackMessage,
  type SlackBlock,
  type SlackRootMessage,
  type RenderOptions,
} from './render/slack';
export { renderEmail, type EmailMessage } from './render/email';
export { SLACK_LIMITS } from './render/limits';
export { sendSlack, SlackDeliveryError, redactWebhook, type SlackSendOptions } from './delivery/slack';
export { SecretResolver, SecretResolutionError, webhookFromSecret, botTokenFromSecret } from './delivery/secrets';
export {
  callSlackApi,
  slackApiBaseUrl,
  DEFAULT_SLACK_API_URL,
  type SlackApi,
  type SlackApiMethod,
  type SlackMessageRef,
} from './delivery/slack-api';
export { deliverToThread, mergeMembers, type ThreadState } from './engine/thread';
export { publishEmail, emailTargets } from './delivery/email';
export type { AlertStore, ClaimResult, StateKind, Versioned } from './state/store';
export { MemoryStore, FileStore } from './state/memory-store';
export { DynamoStore } from './state/dynamo-store';
export { AlertRouter, type RouterOptions } from './engine/router';
export { tick, type TickOptions } from './engine/tick';
export { Report, DeliveryFailedError, type Outcome, type OutcomeStatus } from './engine/report';
export { parseRoutingJson, loadRoutingFile } from './config';
export {
  createHandler,
  routerFromEnv,
  handler,
  type HandlerDeps,
  type HandlerSummary,
  type LambdaContext,
} from './handler';
export { jsonLogger, silentLogger, type Logger } from './log';
export { buildDrillMessage, publishDrill, DRILL_PREFIX, type DrillOptions } from './drill';
export {
  replayFiles,
  replaySession,
  type ReplayOptions,
  type ReplayResult,
  type ReplayFileResult,
  type ReplaySession,
} from './replay';
export { startSlackStandin, postLines, type SlackStandin, type StandinPost } from './local/slack-standin';
export {
  readCloudWatchSeries,
  readCloudWatchSpan,
  reviewFromCloudWatch,
  type CloudWatchReviewData,
  type CloudWatchReviews,
} from './review/cloudwatch-source';
export { fetchMetricData, getMetricDataCost, type FetchStats, type FetchOptions } from './review/get-metric-data';
export { withBackoff, isThrottling, type RetryOptions } from './review/retry';
export { postDigest, webhookProblem, type PostDigestOptions, type PostDigestResult } from './review/post-digest';
export {
  createReviewHandler,
  reviewDepsFromEnv,
  type ReviewHandlerDeps,
  type ReviewSlosFile,
  type ReviewSummary,
} from './review/handler';
