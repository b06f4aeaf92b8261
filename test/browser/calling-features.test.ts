import { expect } from '@esm-bundle/chai';
import type { Call } from '../../src/calling/call.js';
import {
  DiagnosticQuality,
  Features,
  type MediaDiagnosticChangedEventArgs,
  type MediaStatsReportSample,
  type MediaStatsReportSummary,
  qualityOfIceStates,
  qualityOfLoss,
} from '../../src/calling/features/index.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { getIdentifierRawId } from '../../src/common/identifiers.js';
import { type TestUser, callingUser } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import { connectedCall, disposeAll, remote, stubMicrophoneWithTone } from './callingHelpers.js';

/** Collects a collector's events as they come. */
function collect(call: Call, options?: { aggregationInterval?: number; dataPointsPerAggregation?: number }) {
  const collector = call.feature(Features.MediaStats).createCollector(options);
  const samples: MediaStatsReportSample[] = [];
  const summaries: MediaStatsReportSummary[] = [];
  collector.on('sampleReported', (sample) => samples.push(sample));
  collector.on('summaryReported', (summary) => summaries.push(summary));
  return { collector, samples, summaries };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('call features: Features.MediaStats', () => {
  let alice: TestUser;
  let bob: TestUser;
  let aliceCall: Call;

  beforeEach(async () => {
    [alice, bob] = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    ({ call: aliceCall } = await connectedCall(alice, [bob], { video: true }));
  });
  afterEach(() => disposeAll(alice, bob));

  it('is one object per call, and refuses what is not a feature', () => {
    expect(aliceCall.feature(Features.MediaStats)).to.equal(aliceCall.feature(Features.MediaStats));
    expect(aliceCall.feature(Features.MediaStats).name).to.equal('MediaStats');
    expect(() => aliceCall.feature({} as typeof Features.MediaStats)).to.throw(TypeError);
    expect(() => aliceCall.feature(Features.MediaStats).createCollector({ aggregationInterval: 0 })).to.throw(RangeError);
    expect(() => aliceCall.feature(Features.MediaStats).createCollector({ dataPointsPerAggregation: 1.5 })).to.throw(RangeError);
  });

  it('reports a sample a second of what flows each way, about whom, and over which path', async () => {
    const { samples, collector } = collect(aliceCall);
    // Rates need two reports of the same entry: the second sample has them.
    await until(() => samples.length >= 2 && samples.at(-1)!.video.receive.some((v) => (v.frameRateDecoded ?? 0) > 0), {
      what: 'a sample with decoded video',
    });
    const sample = samples.at(-1)!;
    const bobId = getIdentifierRawId(remote(aliceCall, bob.userId)!.identifier);

    const [audioIn] = sample.audio.receive;
    expect(audioIn, 'incoming audio').to.not.equal(undefined);
    expect(audioIn!.codecName).to.equal('opus');
    expect(audioIn!.participantId).to.equal(bobId);
    expect(audioIn!.packets).to.be.greaterThan(0);
    expect(audioIn!.bitrate).to.be.greaterThan(0);

    const [videoIn] = sample.video.receive;
    expect(videoIn!.participantId).to.equal(bobId);
    expect(videoIn!.frameWidthReceived).to.be.greaterThan(0);
    expect(videoIn!.framesDecoded).to.be.greaterThan(0);

    const [videoOut] = sample.video.send;
    expect(videoOut!.framesEncoded).to.be.greaterThan(0);
    expect(videoOut!.frameRateEncoded).to.be.greaterThan(0);
    expect(sample.audio.send[0]!.packets).to.be.greaterThan(0);
    // Nobody shares a screen: its slot sends nothing and is not reported.
    expect(sample.screenShare.send).to.deep.equal([]);
    expect(sample.screenShare.receive).to.deep.equal([]);

    const [transport] = sample.transports;
    expect(transport!.participantId).to.equal(bobId);
    expect(transport!.path).to.equal('direct');
    expect(transport!.rttInMs).to.be.a('number').at.least(0);
    expect(videoIn!.transportId).to.equal(transport!.id);

    collector.dispose();
    const count = samples.length;
    await sleep(1500);
    expect(samples.length, 'no samples after dispose').to.equal(count);
  });

  it('summarises the samples into data points of the interval asked for', async () => {
    const { summaries, samples } = collect(aliceCall, { aggregationInterval: 1, dataPointsPerAggregation: 2 });
    await until(() => summaries.length >= 2, { what: 'two summaries' });
    expect(samples.length).to.be.at.least(4);
    const audioIn = summaries[1]!.audio.receive[0]!;
    expect(audioIn.packets!.raw).to.have.length(2);
    expect(audioIn.packets!.aggregation!.count).to.deep.equal([1, 1]);
    expect(audioIn.packets!.aggregation!.sum).to.deep.equal(audioIn.packets!.raw);
    expect(audioIn.packets!.raw[1]).to.be.greaterThan(audioIn.packets!.raw[0]!);
    expect(audioIn.codecName!.raw).to.deep.equal(['opus', 'opus']);
    expect(audioIn.codecName!.timestamp).to.be.instanceOf(Date);
  });

  it('stops every collector when the call ends', async () => {
    const { samples } = collect(aliceCall);
    await until(() => samples.length >= 1, { what: 'a sample' });
    await aliceCall.hangUp();
    const count = samples.length;
    await sleep(1500);
    expect(samples.length).to.equal(count);
  });
});

describe('call features: Features.UserFacingDiagnostics', () => {
  let alice: TestUser;
  let bob: TestUser;
  let restore: (() => void) | undefined;

  afterEach(async () => {
    await disposeAll(alice, bob);
    restore?.();
    restore = undefined;
  });

  it('says when you speak while muted, and stops saying it once you unmute', async () => {
    // A steady tone stands in for speech: the detector hears it through a copy of the muted track.
    restore = stubMicrophoneWithTone();
    [alice, bob] = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    const { call } = await connectedCall(alice, [bob]);
    const diagnostics = call.feature(Features.UserFacingDiagnostics);
    const changes: MediaDiagnosticChangedEventArgs[] = [];
    diagnostics.media.on('diagnosticChanged', (change) => changes.push(change));

    await call.mute();
    await until(() => diagnostics.media.getLatest().speakingWhileMicrophoneIsMuted?.value === true, {
      what: 'speakingWhileMicrophoneIsMuted raised',
    });
    expect(changes).to.deep.include({ diagnostic: 'speakingWhileMicrophoneIsMuted', value: true, valueType: 'DiagnosticFlag' });

    await call.unmute();
    await until(() => diagnostics.media.getLatest().speakingWhileMicrophoneIsMuted?.value === false, {
      what: 'speakingWhileMicrophoneIsMuted lowered',
    });
    expect(changes.at(-1)).to.deep.equal({ diagnostic: 'speakingWhileMicrophoneIsMuted', value: false, valueType: 'DiagnosticFlag' });
  });

  it('stays quiet while the muted microphone hears nothing', async () => {
    [alice, bob] = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    const { call } = await connectedCall(alice, [bob]);
    // A microphone that hears nothing: a silent WebAudio track in place of the fake device's beeps.
    const context = new AudioContext();
    const silent = context.createMediaStreamDestination().stream.getAudioTracks()[0]!;
    await call.switchMicrophone(silent);
    const diagnostics = call.feature(Features.UserFacingDiagnostics);
    await call.mute();
    await sleep(1500);
    expect(diagnostics.media.getLatest().speakingWhileMicrophoneIsMuted).to.equal(undefined);
    await context.close();
  });

  it('says the camera could not start, and that it works again once one does', async () => {
    [alice, bob] = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    const { call } = await connectedCall(alice, [bob]);
    const diagnostics = call.feature(Features.UserFacingDiagnostics);
    const missing = new LocalVideoStream({ id: 'no-such-camera', name: 'Gone', deviceType: 'Unknown' } as never);
    let failed = false;
    await call.startVideo(missing).catch(() => (failed = true));
    expect(failed, 'startVideo rejects').to.equal(true);
    expect(diagnostics.media.getLatest().cameraStartFailed).to.deep.equal({ value: true, valueType: 'DiagnosticFlag' });

    const [camera] = await alice.client.getDeviceManager().then((dm) => dm.getCameras());
    await call.startVideo(new LocalVideoStream(camera!));
    expect(diagnostics.media.getLatest().cameraStartFailed).to.deep.equal({ value: false, valueType: 'DiagnosticFlag' });
  });

  it('reports nothing wrong with a healthy call', async () => {
    [alice, bob] = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    const { call } = await connectedCall(alice, [bob]);
    const diagnostics = call.feature(Features.UserFacingDiagnostics);
    await sleep(2500);
    expect(diagnostics.network.getLatest()).to.deep.equal({});
    expect(diagnostics.media.getLatest()).to.deep.equal({});
    expect(diagnostics.name).to.equal('UserFacingDiagnostics');
  });

  it('grades loss and connection states as ACS does', () => {
    expect(qualityOfLoss(0, 0)).to.equal(DiagnosticQuality.Good);
    expect(qualityOfLoss(2, 98)).to.equal(DiagnosticQuality.Good);
    expect(qualityOfLoss(3, 97)).to.equal(DiagnosticQuality.Poor);
    expect(qualityOfLoss(10, 90)).to.equal(DiagnosticQuality.Bad);
    expect(qualityOfIceStates(['connected', 'completed'])).to.equal(DiagnosticQuality.Good);
    expect(qualityOfIceStates(['connected', 'disconnected'])).to.equal(DiagnosticQuality.Poor);
    expect(qualityOfIceStates(['disconnected', 'failed'])).to.equal(DiagnosticQuality.Bad);
  });
});
