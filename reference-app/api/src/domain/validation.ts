import { z } from 'zod';
import { AppError } from './errors';
import { nameProblem, normaliseText, textProblem } from './text';
import { CATEGORIES } from './types';
import { ID_PATTERN } from './tokens';

export const NAME_MAX = 32;
export const MESSAGE_MAX = 1000;

const text = (max: number, singleLine: boolean) =>
  z
    .string()
    .transform(normaliseText)
    .superRefine((v, ctx) => {
      const problem = textProblem(v, { max, singleLine });
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    });

/** A person's name: one line of plain text that cannot pass for someone else in a mail client. */
const personName = text(NAME_MAX, true).superRefine((v, ctx) => {
  const problem = nameProblem(v);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .email('must be a valid email address')
  .transform((v) => v.toLowerCase());

export const designIdSchema = z.string().regex(ID_PATTERN, 'must be a design id');

export const createCardSchema = z
  .object({
    designId: designIdSchema,
    recipientName: personName,
    recipientEmail: email,
    senderName: personName,
    senderEmail: email,
    sendAt: z.string().max(19),
    timeZone: z.string().max(64),
    /** The ALTCHA payload (ignored under the WAF, whose proof is a header). */
    captcha: z.string().max(4096).optional(),
  })
  .strict();
export type CreateCardInput = z.infer<typeof createCardSchema>;

const patchableCard = z
  .object({
    recipientName: personName.optional(),
    recipientEmail: email.optional(),
    sendAt: z.string().max(19).optional(),
    timeZone: z.string().max(64).optional(),
  })
  .strict();
export const patchCardSchema = patchableCard.refine((v) => Object.keys(v).length > 0, {
  message: `send at least one of ${patchableCard.keyof().options.join(', ')}`,
});
export type PatchCardInput = z.infer<typeof patchCardSchema>;

export const messageSchema = z.object({ name: personName, message: text(MESSAGE_MAX, false) }).strict();
export type MessageInput = z.infer<typeof messageSchema>;

export const categorySchema = z.enum(CATEGORIES);
export const visibilitySchema = z.enum(['public', 'private']);
export const moderationSchema = z.object({ decision: z.enum(['approved', 'rejected']) }).strict();

/**
 * Parses with a schema, turning every issue into `details: [{path, message}]` of one 400. `at`
 * names where a value with no path of its own came from: the body, or a query parameter
 * (`query.category`).
 */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, at = 'body'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const inBody = at === 'body';
  const details = result.error.issues.map((i) => ({
    path: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : inBody ? '' : at),
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
  throw new AppError(
    400,
    'validation_failed',
    `invalid request: ${details.map((d) => `${d.path || at} ${d.message}`).join('; ')}`,
    details,
  );
}
