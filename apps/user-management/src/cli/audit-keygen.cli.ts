import { generateKeyPairSync } from 'node:crypto';
import { keyIdOf, publicKeyText } from '@smartgrid/audit';

/**
 * A new Ed25519 key pair for audit checkpoints, printed as two lines ready for an env file:
 *   npm run --silent audit:keygen >> .local/secrets.env
 * The first (AUDIT_CHECKPOINT_KEY) is the secret for user-management only; the second is the
 * public key to hand to whoever verifies (npm run audit:verify -- --public-key ...).
 */
const { privateKey } = generateKeyPairSync('ed25519');
process.stdout.write(`AUDIT_CHECKPOINT_KEY=${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}\n`);
process.stdout.write(`# public key (key id ${keyIdOf(privateKey)}): ${publicKeyText(privateKey)}\n`);
