import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScramClient } from '../../src/kafka/doctor/probe-sasl.js';
import { matches } from '../../src/kafka/doctor/acls.js';
import type { AclEntry } from '../../src/config/acl-plan.js';
import type { ClusterAcl } from '../../src/kafka/acl-admin.js';

test("the doctor's SCRAM client gives RFC 7677's proof and accepts its server signature (SCRAM-SHA-256 test vector)", () => {
  const scram = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
  assert.equal(scram.first(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
  assert.equal(scram.final(serverFirst), 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  scram.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  assert.throws(() => scram.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='), /does not match/);
  assert.throws(() => new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'abc').final('r=other,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'), /not a valid answer/);
});

const need = (over: Partial<AclEntry> = {}): AclEntry => ({
  principal: 'User:cp-CP1', role: 'cp', id: 'CP1', resourceType: 'GROUP', patternType: 'PREFIXED', name: 'cp-CP1-group-registration-', operation: 'READ', why: '', ...over,
});
const acl = (over: Partial<ClusterAcl> = {}): ClusterAcl => ({
  principal: 'User:cp-CP1', host: '*', resourceType: 'GROUP', patternType: 'PREFIXED', name: 'cp-CP1-group-registration-', operation: 'READ', permission: 'ALLOW', ...over,
});

test('an ACL covers a need as the authorizer matches: same or wider prefix, the wildcard, ALL, Read or Write for Describe, User:*', () => {
  assert.ok(matches(acl(), need()));
  assert.ok(matches(acl({ name: 'cp-CP1-' }), need()), 'a shorter prefix');
  assert.ok(matches(acl({ patternType: 'LITERAL', name: '*' }), need()), 'the wildcard');
  assert.ok(matches(acl({ operation: 'ALL' }), need()));
  assert.ok(matches(acl({ principal: 'User:*' }), need()));
  assert.ok(matches(acl({ resourceType: 'TOPIC', patternType: 'LITERAL', name: 'health', operation: 'WRITE' }), need({ resourceType: 'TOPIC', patternType: 'LITERAL', name: 'health', operation: 'DESCRIBE' })));
  assert.ok(!matches(acl({ patternType: 'LITERAL' }), need()), 'a literal name does not cover a prefix');
  assert.ok(!matches(acl({ name: 'cp-CP1-group-registration-x' }), need()), 'a longer prefix does not');
  assert.ok(!matches(acl({ principal: 'User:cp-CP2' }), need()));
  assert.ok(!matches(acl({ operation: 'WRITE' }), need()));
  assert.ok(!matches(acl({ host: '10.0.0.1' }), need()), 'one host only is not what a role on any machine needs');
});
