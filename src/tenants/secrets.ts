// Client secrets and user passwords as the scenario loader and the token authority see them: salted
// scrypt hashes (domain/credentialHash.ts, below the store so its migrations can upgrade stored digests).
export { hashDigest, hashLegacyDigest, hashSecret, isLegacyDigest, secretMatches } from '../domain/credentialHash.js';
