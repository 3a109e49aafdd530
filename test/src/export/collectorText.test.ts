import { collectorReason, secretVariants } from '../../../src';

describe('collectorReason', () => {
  const headers = { Authorization: `Basic ${Buffer.from('user:pa55word-xyz').toString('base64')}`, 'x-api-key': 'key-value-123' };
  const secrets = secretVariants(headers, ['tok-en-456', undefined]);

  it('removes every secret we sent, in the forms a collector may quote it', () => {
    const quoted = `denied: ${JSON.stringify(headers)} password=pa55word-xyz token ${encodeURIComponent('tok-en-456')} ${Buffer.from('tok-en-456').toString('base64')}`;
    const out = collectorReason(quoted, secrets);
    for (const s of ['pa55word-xyz', 'key-value-123', 'tok-en-456', Buffer.from('user:pa55word-xyz').toString('base64'), Buffer.from('tok-en-456').toString('base64')]) {
      expect(out).not.toContain(s);
    }
    expect(out).toContain('<redacted>');
  });

  it('redacts credential-shaped text it was not told about', () => {
    expect(collectorReason('bad header Authorization: Bearer abc.def.ghi', [])).not.toContain('abc.def.ghi');
    expect(collectorReason('{"api_key":"zzz-unknown"}', [])).not.toContain('zzz-unknown');
  });

  it('keeps a harmless reason, folds newlines and cuts long text', () => {
    expect(collectorReason('Expected a JSON_V2\r\nencoded list', secrets)).toBe('Expected a JSON_V2 encoded list');
    expect(collectorReason('x'.repeat(1000), []).length).toBeLessThanOrEqual(160);
    expect(collectorReason(undefined, [])).toBe('');
  });
});
