import type { Captcha, CaptchaContext, CaptchaResult } from '../../domain/ports';

/**
 * AWS WAF CAPTCHA: the WAF rule on the upload route validates the `aws-waf-token` cookie at the
 * edge and answers 405 with `x-amzn-waf-action: captcha` itself when it is missing or expired.
 * Requests that reach the app have passed; this adapter refuses requests without the token
 * anyway, so a misconfigured WAF fails closed instead of open.
 */
export class WafCaptcha implements Captcha {
  readonly provider = 'aws-waf' as const;

  async challenge(): Promise<Record<string, unknown>> {
    return { provider: 'aws-waf', hint: 'the AWS WAF CAPTCHA is served by the WAF integration SDK in the browser' };
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
