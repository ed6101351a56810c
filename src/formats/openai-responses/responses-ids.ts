import { randomBytes } from 'node:crypto';

/** An OpenAI-style id with its prefix (`resp_`, `msg_`, `rs_`, `fc_`, `ctc_`): 24 random bytes as hex. */
export function responsesId(prefix: 'resp' | 'msg' | 'rs' | 'fc' | 'ctc'): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}
