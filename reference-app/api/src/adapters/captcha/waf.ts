import type { Captcha, CaptchaContext, CaptchaResult } from '../../domain/ports';

/** Where the site sends the browser to meet the WAF CAPTCHA; the WAF rule matches this path too. */
export const WAF_VERIFY_URL = '/api/v1/captcha/verify';

/**
 * AWS WAF CAPTCHA: the WAF rule on the upload route validates the `aws-waf-token` cookie at the
 * edge and answers 405 with `x-amzn-waf-action: captcha` itself when it is missing or expired.
 * A fetch cannot solve that page, so the site first sends the browser (a top-level navigation) to
 * WAF_VERIFY_URL, which the same rule guards: WAF shows its interstitial there, sets the cookie
 * and reloads the URL, which then reaches the API and redirects back to the upload page.
 * Requests that reach the app have passed; this adapter refuses requests without the token
 * anyway, so a misconfigured WAF fails closed instead of open.
 */
export class WafCaptcha implements Captcha {
  readonly provider = 'aws-waf' as const;

  /** Must match the CAPTCHA immunity time of the WAF rule: the site shows "verified" that long. */
  constructor(private readonly immunitySeconds = 300) {}

  /** Nothing to solve in the page: the "challenge" tells the site where to send the browser. */
  async challenge(): Promise<Record<string, unknown>> {
    return { provider: this.provider, verifyUrl: WAF_VERIFY_URL, immunitySeconds: this.immunitySeconds };
  }

  async verify(_solution: string | undefined, context: CaptchaContext): Promise<CaptchaResult> {
    const token = /(?:^|;\s*)aws-waf-token=([^;]+)/.exec(context.cookie ?? '')?.[1];
    if (!token)
      return {
        ok: false,
        code: 'captcha_missing',
        message: 'the AWS WAF CAPTCHA token is missing; solve the CAPTCHA first',
      };
    return { ok: true };
  }
}
