import type { LookupAddress, LookupOptions } from 'node:dns';
import { checkWebhookTarget, connectLookup, WebhookTargetRefused, type HostResolver } from '../../../src/modules/webhooks/target-guard';

/** Runs the connect-time lookup the way node's socket does, as a promise. */
function connectTo(hostname: string, options: { allowPrivateNetwork: boolean; resolveHost: HostResolver }, lookupOptions: LookupOptions = {}) {
  return new Promise<{ address: string | LookupAddress[]; family?: number }>((resolve, reject) => {
    connectLookup(options)(hostname, lookupOptions, (error, address, family) => (error ? reject(error) : resolve({ address, family })));
  });
}

describe('the connect-time lookup', () => {
  const publicOnly = { allowPrivateNetwork: false };

  it('when every address is public, then the connect gets them, one or all as asked', async () => {
    const resolveHost = async () => ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'];

    expect(await connectTo('hooks.example.com', { ...publicOnly, resolveHost })).toEqual({ address: '93.184.215.14', family: 4 });
    expect(await connectTo('hooks.example.com', { ...publicOnly, resolveHost }, { all: true })).toEqual({
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
    });
    expect(await connectTo('hooks.example.com', { ...publicOnly, resolveHost }, { family: 6 })).toEqual({ address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 });
  });

  it.each([['127.0.0.1'], ['169.254.169.254'], ['10.0.0.7'], ['::ffff:127.0.0.1']])('when the host now resolves to %s, then the connect fails with a refusal naming it', async (inside) => {
    const connect = connectTo('hooks.example.com', { ...publicOnly, resolveHost: async () => ['93.184.215.14', inside] }, { all: true });

    await expect(connect).rejects.toBeInstanceOf(WebhookTargetRefused);
    await expect(connect).rejects.toMatchObject({ refusal: { problem: 'private-address', address: inside }, message: expect.stringContaining(`resolves to ${inside}`) });
  });

  it('when the endpoint allows private networks, then loopback is connected to', async () => {
    expect(await connectTo('crm.internal', { allowPrivateNetwork: true, resolveHost: async () => ['127.0.0.1'] })).toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('when the resolver fails or finds nothing of the asked family, then the connect fails with a network error, not a refusal', async () => {
    const lost = Object.assign(new Error('lost'), { code: 'EAI_AGAIN' });
    await expect(connectTo('hooks.example.com', { ...publicOnly, resolveHost: () => Promise.reject(lost) })).rejects.toBe(lost);
    await expect(connectTo('hooks.example.com', { ...publicOnly, resolveHost: async () => ['93.184.215.14'] }, { family: 6 })).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('the check before sending', () => {
  it('when the URL holds an address, then that address is judged, whatever a resolver would say', async () => {
    const resolveHost = async () => ['93.184.215.14'];

    expect(await checkWebhookTarget('http://127.0.0.1:8080/hook', { allowPrivateNetwork: false, resolveHost })).toMatchObject({ ok: false, address: '127.0.0.1', addressClass: 'loopback' });
    expect(await checkWebhookTarget('http://[::1]/hook', { allowPrivateNetwork: false, resolveHost })).toMatchObject({ ok: false, addressClass: 'loopback' });
    expect(await checkWebhookTarget('https://93.184.215.14/hook', { allowPrivateNetwork: false, resolveHost: async () => ['127.0.0.1'] })).toEqual({ ok: true });
  });
});
