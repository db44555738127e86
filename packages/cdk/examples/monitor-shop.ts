import type { Stack } from 'aws-cdk-lib';
import { HttpCodeTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { SreKit } from '@sre-kit/cdk';
import type { ShopResources } from './shop-resources';
export function monitorShop(stack: Stack, shop: ShopResources): SreKit {
  const emails = [{ address: 'oncall@example.com' }];
  const kit = new SreKit(stack, 'Sre', { service: 'shop', emails, dashboards: true });
  kit.monitorLambda('api', shop.apiFunction);
  kit.monitorEcsService('web', shop.webService);
  kit.monitorBucket('uploads', shop.uploads);
  kit.monitorLoadBalancer('alb', shop.loadBalancer, { targetGroups: [shop.targetGroup] });
  kit.monitorDatabaseInstance('db', shop.database);
  kit.monitorWebAcl('waf', shop.webAcl);
  kit.monitorNatGateways('nat', shop.vpc);
  const alb = shop.loadBalancer.metrics;
  const badMetric = alb.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT);
  kit.addSlo({ sloName: 'checkout-availability', objective: 0.999, badMetric, totalMetric: alb.requestCount() });
  return kit;
}
