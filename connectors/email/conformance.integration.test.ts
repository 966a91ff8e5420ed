/**
 * email passes the sink conformance suite (packages/connector-kit/src/conformance) against the local mailbox
 * (a real SMTP server), reached through a fault proxy so the suite can make it hang.
 */
import { randomUUID } from 'node:crypto';
import { sinkConformance, faultProxy, type FaultProxy } from '@relais/connector-kit/testing';
import { startMailbox, type Mailbox } from '../../silos/email/mailbox.ts';
import { EmailClient } from './client.ts';
import { createEmailSink } from './sink.ts';
import { SERVICE_REQUEST_SUBMITTED_V1 } from '@relais/connector-kit';

interface Silo {
  mailbox: Mailbox;
  proxy: FaultProxy;
}

const submitted = {
  requestId: 'SR-2026-000001',
  category: 'waste.damaged-bin',
  competentService: 'waste-management',
  submittedAt: '2026-11-04T07:15:00Z',
};

sinkConformance<Silo>({
  system: 'email',
  async startSilo() {
    const mailbox = await startMailbox();
    return { mailbox, proxy: await faultProxy({ host: mailbox.host, port: mailbox.port }) };
  },
  async stopSilo(silo) {
    await silo.proxy.close();
    await silo.mailbox.close();
  },
  createSink: (silo) =>
    createEmailSink(
      new EmailClient({ smtpUrl: `smtp://${silo.proxy.host}:${silo.proxy.port}`, from: 'Relais <ne-pas-repondre@relais.example>' }),
    ),
  delivery: () => ({ type: SERVICE_REQUEST_SUBMITTED_V1, citizenId: `${randomUUID().slice(0, 8)}@example.fr`, data: submitted }),
  // SMTP has no idempotency key: a resend carries the same Message-ID, and the citizen's mail
  // client shows one message per Message-ID — the effect the suite counts.
  effects: async (silo, eventId) =>
    new Set(
      silo.mailbox
        .messages()
        .filter((m) => m.messageId === `<${eventId}@relais.notifications>`)
        .map((m) => m.messageId),
    ).size,
  refusal: () => ({
    delivery: { type: SERVICE_REQUEST_SUBMITTED_V1, citizenId: 'not-an-address', data: submitted },
    reason: /not a valid address/,
  }),
  stall: async (silo) => silo.proxy.stall(),
});
