import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeOtlpTransformerVersions, otlpTransformerVersions, transformerVersionFrom } from '../../bench/otlpTransformerVersions';

const ROOT = path.resolve(__dirname, '..', '..');

describe('bench/otlpTransformerVersions', () => {
  it('finds one installed serializer for our adapter and both OTLP incumbents', () => {
    const v = otlpTransformerVersions(path.join(ROOT, 'adapters', 'otlp'));
    expect(v.ours).toMatch(/^\d+\.\d+\.\d+/);
    // the package-lock keeps a single copy: a nested second one would make section 5 compare versions
    expect(v.http).toBe(v.ours);
    expect(v.grpc).toBe(v.ours);
    expect(describeOtlpTransformerVersions(v)).toBe(`OTLP encoding: @opentelemetry/otlp-transformer ${v.ours} on every side (ours, both incumbents).`);
  });

  it('reads the version of the copy resolved from a directory, nested copies included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tat-otlp-'));
    try {
      const pkg = path.join(dir, 'node_modules', '@opentelemetry', 'otlp-transformer');
      fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@opentelemetry/otlp-transformer', version: '9.8.7', main: 'dist/index.js' }));
      fs.writeFileSync(path.join(pkg, 'dist', 'index.js'), 'module.exports = {};');
      expect(transformerVersionFrom(dir)).toBe('9.8.7');
      // nothing to resolve from an empty directory outside the project
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tat-empty-'));
      try {
        expect(transformerVersionFrom(empty)).toBeUndefined();
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when the sides encode with different versions', () => {
    const line = describeOtlpTransformerVersions({ ours: '0.301.1', http: '0.301.1', grpc: '0.301.2' });
    expect(line).toContain('0.301.1 for ours, 0.301.1 for the HTTP incumbent, 0.301.2 for the gRPC one');
    expect(line).toContain('NOT one version');
    expect(describeOtlpTransformerVersions({ ours: undefined, http: undefined, grpc: undefined })).toContain('not found for ours');
  });
});
