// S3 error answers the proxy makes itself: the XML body real clients (aws-sdk, minio-js, aws-sdk-go)
// parse into an error code, with the status each code carries on AWS.
import type { S3ErrorCode } from './types.js';

export type ProxyErrorCode = S3ErrorCode | 'BadGateway';

export const S3_ERROR_STATUS: Record<ProxyErrorCode, number> = {
  SlowDown: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
  NoSuchKey: 404,
  AccessDenied: 403,
  BadGateway: 502,
};

const MESSAGES: Record<ProxyErrorCode, string> = {
  SlowDown: 'Please reduce your request rate.',
  ServiceUnavailable: 'Service is unable to handle request.',
  InternalError: 'We encountered an internal error. Please try again.',
  NoSuchKey: 'The specified key does not exist.',
  AccessDenied: 'Access Denied.',
  BadGateway: 'The fault proxy could not reach the upstream S3 server.',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface S3ErrorBody {
  code: ProxyErrorCode;
  requestId: string;
  bucket?: string;
  key?: string;
  resource: string;
  message?: string;
}

export function s3ErrorXml(e: S3ErrorBody): string {
  const parts = [
    `<Code>${e.code}</Code>`,
    `<Message>${escapeXml(e.message ?? MESSAGES[e.code])}</Message>`,
    e.key !== undefined ? `<Key>${escapeXml(e.key)}</Key>` : '',
    e.bucket !== undefined ? `<BucketName>${escapeXml(e.bucket)}</BucketName>` : '',
    `<Resource>${escapeXml(e.resource)}</Resource>`,
    `<RequestId>${escapeXml(e.requestId)}</RequestId>`,
    `<HostId>lhchaos-s3-proxy</HostId>`,
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${parts.join('')}</Error>`;
}
