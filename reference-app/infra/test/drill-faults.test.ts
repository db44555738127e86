/**
 * The drill fault switch (reference-app/api DRILL_FAULTS) can never be on in the AWS deployment:
 * no container or function of the synthesized app sets the variable, and the API refuses it next
 * to the AWS adapters its task definition configures.
 */
import { ConfigError, loadConfig } from '../../api/src/config';
import { synthesize } from './synth';

type Resource = { Type: string; Properties?: Record<string, unknown> };

interface ContainerEnv {
  readonly where: string;
  readonly env: Record<string, string>;
  readonly secrets: string[];
}

/** Every container's and function's environment; unresolved values (tokens) become a placeholder. */
function environments(): ContainerEnv[] {
  const out: ContainerEnv[] = [];
  for (const [stack, template] of Object.entries(synthesize().json)) {
    for (const [id, r] of Object.entries(template.Resources) as [string, Resource][]) {
      if (r.Type === 'AWS::ECS::TaskDefinition') {
        const containers = (r.Properties?.ContainerDefinitions ?? []) as {
          Name: string;
          Environment?: { Name: string; Value: unknown }[];
          Secrets?: { Name: string }[];
        }[];
        for (const c of containers) {
          const env: Record<string, string> = {};
          for (const e of c.Environment ?? [])
            env[e.Name] = typeof e.Value === 'string' ? e.Value : 'resolved-at-deploy';
          out.push({ where: `${stack}/${id}/${c.Name}`, env, secrets: (c.Secrets ?? []).map((s) => s.Name) });
        }
      }
      if (r.Type === 'AWS::Lambda::Function') {
        const vars = ((r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ??
          {}) as Record<string, unknown>;
        out.push({
          where: `${stack}/${id}`,
          env: Object.fromEntries(Object.keys(vars).map((k) => [k, 'x'])),
          secrets: [],
        });
      }
    }
  }
  return out;
}

describe('drill fault switch on AWS', () => {
  it('no container or function of the deployment sets DRILL_FAULTS', () => {
    const all = environments();
    expect(all.length).toBeGreaterThan(0);
    expect(
      all.filter((e) => 'DRILL_FAULTS' in e.env || e.secrets.includes('DRILL_FAULTS')).map((e) => e.where),
    ).toEqual([]);
  });

  it("the API container's configuration refuses DRILL_FAULTS, naming the AWS adapters", () => {
    const api = environments().filter((e) => e.env.OBJECT_STORE !== undefined && e.env.SCHEDULER !== undefined);
    expect(api.length).toBeGreaterThan(0);
    for (const { env, secrets } of api) {
      // Secrets (database password, keys) arrive at run time: stand-ins let loadConfig see the whole set.
      const full = {
        ...Object.fromEntries(secrets.map((s) => [s, 'stand-in-secret-value-of-32-characters!'])),
        ...env,
      };
      expect(() => loadConfig(full)).not.toThrow();
      expect(() => loadConfig({ ...full, DRILL_FAULTS: 'true' })).toThrow(ConfigError);
      expect(() => loadConfig({ ...full, DRILL_FAULTS: 'true' })).toThrow(/DRILL_FAULTS is for local drills/);
    }
  });
});
