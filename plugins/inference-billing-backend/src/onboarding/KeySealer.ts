import crypto from 'node:crypto';

/**
 * Seals a virtual key for its one-time reveal: AES-256-GCM under a key
 * derived from `inference.billing.onboarding.revealSecret` (or, without it, a
 * random key that lives as long as the process). Sealed text is
 * base64(iv | tag | ciphertext); the value itself is never stored.
 */
export class KeySealer {
  private readonly key: Buffer;

  constructor(secret?: string) {
    this.key = secret
      ? crypto
          .createHash('sha256')
          .update(`onboarding-reveal:${secret}`)
          .digest()
      : crypto.randomBytes(32);
  }

  seal(value: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([
      cipher.update(value, 'utf8'),
      cipher.final(),
    ]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString(
      'base64',
    );
  }

  /** Throws when the text was sealed under another key or context, or altered. */
  unseal(sealed: string, context: string): string {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = crypto.createDecipheriv(
      'aes-256-gcm',
      this.key,
      raw.subarray(0, 12),
    );
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([
      decipher.update(raw.subarray(28)),
      decipher.final(),
    ]).toString('utf8');
  }
}

/** SHA-256 hex of a key value: what the database keeps to recognise it. */
export function keyHash(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}
