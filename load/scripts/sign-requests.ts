// Signs the requests described in SIGV4_CASES (JSON) at the fixed time SIGV4_DATE and writes the signed
// headers to SIGV4_OUT: lets a test compare this signer, run inside k6, with the AWS SDK's signer.
import { signRequest, type Credentials, type RequestToSign } from './sigv4.ts';

interface SignCase {
  name: string;
  request: RequestToSign;
}

interface SignInput {
  credentials: Credentials;
  cases: SignCase[];
}

export const options = { vus: 1, iterations: 1 };

export default function (): void {
  // The work happens in handleSummary, which sees the same environment; the one iteration is a no-op.
}

export function handleSummary(): Record<string, string> {
  const input = JSON.parse(__ENV.SIGV4_CASES ?? '{}') as SignInput;
  const out = __ENV.SIGV4_OUT;
  if (out === undefined || out === '') throw new Error('SIGV4_OUT: the output path is required');
  const date = new Date(__ENV.SIGV4_DATE ?? '');
  if (Number.isNaN(date.getTime())) throw new Error(`SIGV4_DATE: not a date: ${__ENV.SIGV4_DATE}`);
  const results = input.cases.map(({ name, request }) => {
    const signed = signRequest(request, input.credentials, date);
    return { name, headers: signed.headers, canonicalRequest: signed.canonicalRequest };
  });
  return { [out]: JSON.stringify(results, null, 2) + '\n' };
}
