import { createHash, timingSafeEqual } from 'node:crypto';
import type { Captcha, CaptchaContext, CaptchaResult } from '../../domain/ports';

/** Where the site sends the browser to meet the WAF CAPTCHA; the WAF rule matches this path too. */
export const WAF_VERIFY_URL = '/api/v1/captcha/verify';

/**
 * The header the WAF CAPTCHA rule inserts into a request whose CAPTCHA token it validated. WAF
 * prefixes every inserted header name with `x-amzn-waf-`, so the rule inserts `captcha-proof`
 * (reference-app/infra, EdgeStack); the value is a secret from Secrets Manager that the API
 * task receives as CAPTCHA_WAF_PROOF.
 */
export const WAF_PROOF_HEADER = 'x-amzn-waf-captcha-proof';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * AWS WAF CAPTCHA: the WAF rule on the upload route validates the `aws-waf-token` cookie at the
 * edge and answers 405 with `x-amzn-waf-action: captcha` itself when it is missing or expired.
 * A fetch cannot solve that page, so the site first sends the browser (a top-level navigation) to
 * WAF_VERIFY_URL, which the same rule guards: WAF shows its interstitial there, sets the cookie
 * and reloads the URL, which then reaches the API and redirects back to the upload page.
 *
 * The app never trusts the cookie (anyone can send one, and a path the rule does not match never
 * had it checked): it accepts only requests carrying WAF_PROOF_HEADER with the shared secret,
 * which WAF adds only after the CAPTCHA passed. Without a configured secret it refuses everything,
 * so a misconfigured deployment fails closed instead of open.
 */
export class WafCaptcha implements Captcha {
  readonly provider = 'aws-waf' as const;
  private readonly expected: Buffer | undefined;

  /** `immunitySeconds` must match the CAPTCHA immunity time of the WAF rule: the site shows "verified" that long. */
  constructor(
    proofSecret: string | undefined,
    private readonly immunitySeconds = 300,
  ) {
    this.expected = proofSecret ? digest(proofSecret) : undefined;
  }

  /** Nothing to solve in the page: the "challenge" tells the site where to send the browser. */
  async challenge(): Promise<Record<string, unknown>> {
    return { provider: this.provider, verifyUrl: WAF_VERIFY_URL, immunitySeconds: this.immunitySeconds };
  }

  async verify(_solution: string | undefined, context: CaptchaContext): Promise<CaptchaResult> {
    if (context.wafProof === undefined || context.wafProof === '')
      return {
        ok: false,
        code: 'captcha_missing',
        message: 'this request did not pass the AWS WAF CAPTCHA; solve the CAPTCHA first',
      };
    // Digests of equal length, compared in constant time: neither the value nor its length leaks.
    if (!this.expected || !timingSafeEqual(digest(context.wafProof), this.expected))
      return { ok: false, code: 'captcha_invalid', message: 'the AWS WAF CAPTCHA proof is not valid; solve it again' };
    // WAF's token lives in the browser for its immunity time; there is nothing of ours to return.
    return { ok: true, release: async () => undefined };
  }
}
