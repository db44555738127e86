/** The routing spec's matchers: one implementation, in @sre-kit/core, shared with the SLO review. */
export { compileMatcher, compileMatchers, type CompiledMatcher } from '@sre-kit/core';
