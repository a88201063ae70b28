import { generate } from 'selfsigned';

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
}

let pending: Promise<TestCertificate> | undefined;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made once per test run with pure
 * JavaScript (no openssl needed). The clients under test trust it explicitly; nothing turns
 * certificate checking off.
 */
export function testCertificate(): Promise<TestCertificate> {
  pending ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return pending;
}
