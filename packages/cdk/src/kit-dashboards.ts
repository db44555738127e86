import { DefaultDashboardFactory, MonitoringFacade, type IDashboardSegment } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';

/**
 * The facade's built-in dashboards: a cdk-monitoring-constructs
 * MonitoringFacade whose segments are the kit's families and SLOs (each is an
 * IDashboardSegment). The model-driven management/developer/security
 * dashboards (SreDashboards, src/dashboards/) plug in through `SreKit.use`.
 */
export class SreDashboardsHook extends Construct {
  public readonly facade: MonitoringFacade;
  /** Detail and summary dashboards. */
  public readonly dashboardCount = 2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const prefix = scope.node.path.replace(/[^A-Za-z0-9_-]+/g, '-');
    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: { actionsEnabled: true, alarmNamePrefix: prefix },
      metricFactoryDefaults: {},
      dashboardFactory: new DefaultDashboardFactory(this, 'Factory', {
        dashboardNamePrefix: prefix,
        createDashboard: true,
        createSummaryDashboard: true,
        createAlarmDashboard: false,
      }),
    });
  }

  public addSegment(segment: IDashboardSegment): void {
    this.facade.addSegment(segment);
  }
}
