// Test support shared with the site's end-to-end suite (reference-app/web/test/e2e): it imports
// nothing from the API's sources, so the site's type check does not pull them in.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { solveChallenge } = require('altcha-lib') as {
  solveChallenge(
    challenge: string,
    salt: string,
    algorithm: string,
    max: number,
  ): { promise: Promise<{ number: number } | null> };
};

/** What the ALTCHA widget does in the browser: fetch a challenge, find the number, send the payload. */
export async function solveCaptcha(base: string): Promise<string> {
  const c = (await (await fetch(`${base}/api/v1/captcha/challenge`)).json()) as {
    algorithm: string;
    challenge: string;
    salt: string;
    signature: string;
    maxnumber: number;
  };
  const solution = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  if (!solution) throw new Error('no solution');
  return Buffer.from(
    JSON.stringify({
      algorithm: c.algorithm,
      challenge: c.challenge,
      number: solution.number,
      salt: c.salt,
      signature: c.signature,
    }),
  ).toString('base64');
}
