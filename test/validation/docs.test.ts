// docs/validation-rules.md is generated from the registry; this keeps the committed copy in sync.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DOC_PATH, renderRulesDoc } from '../../scripts/gen-validation-rules-doc.js';

test('docs/validation-rules.md matches the rule registry (regenerate with npm run docs:rules)', () => {
  assert.equal(readFileSync(DOC_PATH, 'utf8'), renderRulesDoc());
});
