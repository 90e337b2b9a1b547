import { createHash, createPublicKey, createSign, createVerify, constants, KeyObject, X509Certificate } from 'node:crypto';

/** Minimal JWS compact serialization (RS256 sign; RS256/PS256 verify), enough for the fake Entra. */

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signRs256(payload: object, privateKey: string | Buffer | KeyObject, header: Record<string, unknown> = {}): string {
  const h = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...header }));
  const p = b64url(JSON.stringify(payload));
  const signer = createSign('RSA-SHA256');
  signer.update(`${h}.${p}`);
  return `${h}.${p}.${signer.sign(privateKey).toString('base64url')}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return null;
  }
}

/** Verify an RS256 or PS256 signature (MSAL node signs client assertions with PS256 in recent versions). */
export function verifySignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  const alg = jwt.header.alg;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(jwt.signingInput);
  if (alg === 'RS256') return verifier.verify(publicKey, jwt.signature);
  if (alg === 'PS256') {
    return verifier.verify({ key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jwt.signature);
  }
  return false;
}

/** Public key and thumbprints of a PEM certificate (x5t = SHA-1, x5t#S256 = SHA-256, base64url of DER). */
export function certificateInfo(pem: string | Buffer): { publicKey: KeyObject; x5t: string; x5tS256: string } {
  const cert = new X509Certificate(pem);
  return {
    publicKey: createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' })),
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
  };
}
