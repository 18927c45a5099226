// Request classification: every S3 operation the proxy tells apart, and unknown ones as `Other`.
import assert from 'node:assert/strict';
import { classify } from './classify.js';

describe('s3-proxy classify', function () {
  const cases: [string, string, string, Partial<ReturnType<typeof classify>>, boolean?][] = [
    ['GET', '/', 'ListBuckets', {}],
    ['PUT', '/b', 'CreateBucket', { bucket: 'b' }],
    ['DELETE', '/b/', 'DeleteBucket', { bucket: 'b' }],
    ['HEAD', '/b', 'HeadBucket', { bucket: 'b' }],
    ['GET', '/b?location', 'GetBucketLocation', { bucket: 'b' }],
    ['GET', '/b?prefix=backupstore%2F&delimiter=%2F', 'ListObjects', { bucket: 'b', prefix: 'backupstore/' }],
    [
      'GET',
      '/b?list-type=2&prefix=a%2Fb&continuation-token=T',
      'ListObjectsV2',
      { bucket: 'b', prefix: 'a/b' },
    ],
    ['HEAD', '/b/k%20ey/x.cfg', 'HeadObject', { bucket: 'b', key: 'k ey/x.cfg' }],
    ['GET', '/b/k', 'GetObject', { bucket: 'b', key: 'k' }],
    ['PUT', '/b/k', 'PutObject', { key: 'k' }],
    ['PUT', '/b/k', 'CopyObject', { key: 'k' }, true],
    ['DELETE', '/b/k', 'DeleteObject', { key: 'k' }],
    ['POST', '/b?delete', 'DeleteObjects', { bucket: 'b' }],
    ['POST', '/b/k?uploads', 'CreateMultipartUpload', { key: 'k' }],
    ['PUT', '/b/k?partNumber=2&uploadId=U', 'UploadPart', { key: 'k' }],
    ['POST', '/b/k?uploadId=U', 'CompleteMultipartUpload', { key: 'k' }],
    ['DELETE', '/b/k?uploadId=U', 'AbortMultipartUpload', { key: 'k' }],
    ['GET', '/b/k?uploadId=U', 'ListParts', { key: 'k' }],
    ['GET', '/b?uploads', 'ListMultipartUploads', { bucket: 'b' }],
    ['GET', '/b?versions', 'Other', { bucket: 'b' }],
    ['PUT', '/b/k?tagging', 'Other', { key: 'k' }],
    ['PATCH', '/b/k', 'Other', { key: 'k' }],
    ['POST', '/', 'Other', {}],
  ];
  for (const [method, url, op, fields, copy] of cases) {
    it(`${method} ${url}${copy ? ' (x-amz-copy-source)' : ''} is ${op}`, function () {
      const c = classify(method, url, copy);
      assert.equal(c.op, op);
      for (const [name, value] of Object.entries(fields))
        assert.equal(c[name as keyof typeof c], value, name);
    });
  }

  it('reads listing parameters for v1 and v2', function () {
    assert.deepEqual(classify('GET', '/b?marker=m&max-keys=1&delimiter=%2F').listing, {
      version: 1,
      prefix: '',
      delimiter: '/',
      marker: 'm',
      continuationToken: undefined,
      maxKeys: 1,
      encodingType: undefined,
    });
    assert.equal(classify('GET', '/b?list-type=2&start-after=s').listing?.marker, 's');
  });
});
