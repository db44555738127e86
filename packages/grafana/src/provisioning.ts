/**
 * Grafana provisioning files: a dashboard provider that loads the generated JSON next to the
 * provisioning folder, and the CloudWatch and Prometheus data sources the dashboards' variables pick
 * from. Written as YAML with JSON-quoted scalars (valid YAML, no escaping surprises, no dependency).
 */
export interface ProvisioningOptions {
  /** Grafana folder the dashboards go to. */
  readonly folder: string;
  /** Default region of the CloudWatch data source. @default 'us-east-1' */
  readonly region?: string;
  /** Prometheus URL. @default 'http://localhost:9090' */
  readonly prometheusUrl?: string;
  /** First line(s) of each file: how it was generated. */
  readonly header?: string;
}

export interface GeneratedFile {
  /** Relative to the Grafana output folder. */
  readonly path: string;
  readonly content: string;
}

const q = (value: string | number | boolean): string => JSON.stringify(value);

function header(options: ProvisioningOptions): string {
  return options.header ? `${options.header.replace(/^/gm, '# ')}\n` : '';
}

export function provisioningFiles(options: ProvisioningOptions): GeneratedFile[] {
  const dashboards = [
    header(options),
    'apiVersion: 1',
    'providers:',
    `  - name: ${q(`sre-kit-${options.folder}`)}`,
    `    folder: ${q(options.folder)}`,
    '    type: file',
    '    disableDeletion: true',
    '    allowUiUpdates: false',
    '    updateIntervalSeconds: 30',
    '    options:',
    '      # The dashboards sit one level above this provisioning folder; Grafana expands the variable',
    '      # when grafana-server was started with GF_PATHS_PROVISIONING set (see the README).',
    `      path: ${q('${GF_PATHS_PROVISIONING}/..')}`,
    '      foldersFromFilesStructure: false',
    '',
  ].join('\n');
  const datasources = [
    header(options),
    'apiVersion: 1',
    'datasources:',
    '  - name: CloudWatch',
    '    type: cloudwatch',
    '    uid: cloudwatch',
    '    isDefault: true',
    '    jsonData:',
    '      authType: default',
    `      defaultRegion: ${q(options.region ?? 'us-east-1')}`,
    '  - name: Prometheus',
    '    type: prometheus',
    '    uid: prometheus',
    '    access: proxy',
    `    url: ${q(options.prometheusUrl ?? 'http://localhost:9090')}`,
    '',
  ].join('\n');
  return [
    { path: 'provisioning/dashboards/sre-kit.yaml', content: dashboards },
    { path: 'provisioning/datasources/sre-kit.yaml', content: datasources },
  ];
}
