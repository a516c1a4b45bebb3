import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ocpp16ErrorCode, toOcpp16Frame } from '../../src/ocpp/error-codes.js';
import { availabilityType, idTagStatus, kwhSince, meterSample, parseListen, readingFrom, stationIdProblem, statusEffect } from '../../src/ocpp/mapping.js';

test("central's answer becomes idTagInfo.status: a grant Accepted, a driver charging elsewhere ConcurrentTx, anything else Invalid", () => {
  assert.equal(idTagStatus({ kind: 'granted', sessionId: 's' }), 'Accepted');
  assert.equal(idTagStatus({ kind: 'denied', code: 'driver-already-charging', reason: '' }), 'ConcurrentTx');
  for (const code of ['unknown-cp', 'cp-busy', 'cp-out-of-service', 'cp-faulted', 'cp-disconnected', 'request-expired'] as const) {
    assert.equal(idTagStatus({ kind: 'denied', code, reason: '' }), 'Invalid', code);
  }
  assert.equal(idTagStatus({ kind: 'bad-id', reason: 'x' }), 'Invalid');
  assert.equal(idTagStatus({ kind: 'no-answer' }), 'Invalid');
});

test('a station id must be a CP id', () => {
  assert.equal(stationIdProblem('GARAGE-1'), null);
  assert.match(stationIdProblem('has space') ?? '', /may only contain/);
  assert.match(stationIdProblem('x'.repeat(65)) ?? '', /at most 64/);
});

test('StatusNotification: Faulted faults the CP once, Unavailable faults it unless central ordered it, any working status clears a fault', () => {
  const idle = { faulted: false, outOfServiceByCentral: false };
  const faulted = { faulted: true, outOfServiceByCentral: false };
  assert.deepEqual(statusEffect({ status: 'Faulted', errorCode: 'GroundFailure', info: 'RCD', vendorErrorCode: 'E12' }, idle), {
    kind: 'fault',
    detail: 'station reports Faulted: GroundFailure (RCD, E12)',
  });
  assert.deepEqual(statusEffect({ status: 'Faulted', errorCode: 'GroundFailure' }, faulted), { kind: 'none' });
  assert.equal(statusEffect({ status: 'Unavailable', errorCode: 'NoError' }, idle).kind, 'fault');
  assert.equal(statusEffect({ status: 'Unavailable', errorCode: 'NoError' }, { faulted: false, outOfServiceByCentral: true }).kind, 'none');
  for (const status of ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved'] as const) {
    assert.equal(statusEffect({ status, errorCode: 'NoError' }, faulted).kind, 'recover', status);
    assert.equal(statusEffect({ status, errorCode: 'NoError' }, idle).kind, 'none', status);
  }
});

test('MeterValues: the energy register in Wh and the power in W, converted from kWh/kW, whole-station values only, the last one winning', () => {
  const sample = meterSample([
    { sampledValue: [{ value: '1000' }, { value: '3.5', measurand: 'Power.Active.Import', unit: 'kW' }] },
    {
      sampledValue: [
        { value: '2.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
        { value: '900', measurand: 'Power.Active.Import', unit: 'W', phase: 'L1' },
        { value: '230', measurand: 'Voltage', unit: 'V' },
        { value: 'n/a', measurand: 'Power.Active.Import' },
      ],
    },
  ]);
  assert.deepEqual(sample, { wh: 2500, w: 3500 });
  assert.deepEqual(meterSample([{ sampledValue: [{ value: '230', measurand: 'Voltage' }] }]), { wh: null, w: null });
});

test('a reading is kWh since meterStart (never negative) and kW; a missing figure keeps the previous one', () => {
  assert.equal(kwhSince(12_000, 16_321), 4.321);
  assert.equal(kwhSince(12_000, 11_000), 0);
  const previous = { kw: 7.2, kwh: 1 };
  assert.deepEqual(readingFrom({ wh: 14_000, w: 11_000 }, 12_000, previous), { kw: 11, kwh: 2 });
  assert.deepEqual(readingFrom({ wh: 14_000, w: null }, 12_000, previous), { kw: 7.2, kwh: 2 });
  assert.deepEqual(readingFrom({ wh: null, w: 3000 }, 12_000, previous), { kw: 3, kwh: 1 });
  assert.equal(readingFrom({ wh: null, w: null }, 12_000, previous), null);
});

test("central's stop and resume are ChangeAvailability Inoperative and Operative", () => {
  assert.equal(availabilityType(false), 'Inoperative');
  assert.equal(availabilityType(true), 'Operative');
});

test('--listen is HOST:PORT with a port up to 65535', () => {
  assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListen('0.0.0.0:8887'), { host: '0.0.0.0', port: 8887 });
  assert.match(String(parseListen('8887')), /expected HOST:PORT/);
  assert.match(String(parseListen('host:70000')), /out of range/);
});

test("CALLERRORs to a 1.6 station carry 1.6's codes, misspellings included; other frames pass untouched", () => {
  assert.equal(ocpp16ErrorCode('FormatViolation'), 'FormationViolation');
  assert.equal(ocpp16ErrorCode('RpcFrameworkError'), 'FormationViolation');
  assert.equal(ocpp16ErrorCode('MessageTypeNotSupported'), 'FormationViolation');
  assert.equal(ocpp16ErrorCode('OccurrenceConstraintViolation'), 'OccurenceConstraintViolation');
  assert.equal(ocpp16ErrorCode('TypeConstraintViolation'), 'TypeConstraintViolation');
  assert.equal(ocpp16ErrorCode('SomethingElse'), 'GenericError');
  assert.equal(toOcpp16Frame('[4,"-1","RpcFrameworkError","Message must be a JSON structure",{}]'), '[4,"-1","FormationViolation","Message must be a JSON structure",{}]');
  assert.equal(toOcpp16Frame('[4,"1","NotImplemented","",{}]'), '[4,"1","NotImplemented","",{}]');
  const result = '[3,"1",{"status":"Accepted"}]';
  assert.equal(toOcpp16Frame(result), result);
});
