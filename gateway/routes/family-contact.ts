/**
 * A citizen's declared family contact (identity/family-contact.ts): the person a flow may write
 * to instead of the citizen once a death is registered (`onDeath: family-contact`, docs/flows.md).
 *   PUT    /v1/citizens/{pivotId}/family-contact  scope citizens:write, rights `declare: family-contacts`
 *   GET    /v1/citizens/{pivotId}/family-contact  scope citizens:read,  rights `read: family-contacts`
 *   DELETE /v1/citizens/{pivotId}/family-contact  scope citizens:write, rights `declare: family-contacts`
 * A declaration, a replacement and a withdrawal are audited in the same transaction as the
 * write (the grant and the operation, never the contact's data); a read is audited before it
 * is served. A merged pivot id stands for the citizen it was merged into.
 */
import { Router, type RequestHandler } from 'express';
import { appendAudit } from '../../core/audit/append.ts';
import { declareFamilyContact, familyContactOf, withdrawFamilyContact, type FamilyContact } from '../../identity/family-contact.ts';
import { toIssues } from '../../schemas/validation.ts';
import { componentValidator } from '../api-document.ts';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import type { components } from '../generated/api.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeDeclare, authorizeRead, recordRead } from '../rights/enforce.ts';
import { citizenOf, pivotParameter } from './citizen-path.ts';

type Declaration = components['schemas']['FamilyContactDeclaration'];
type View = components['schemas']['FamilyContact'];

const PATH = '/v1/citizens/{pivotId}/family-contact';

export function familyContactRoutes(deps: Pick<GatewayDeps, 'auth' | 'db' | 'rights'>, jsonBody: RequestHandler[]): Router {
  const router = Router();
  const validate = componentValidator<Declaration>('FamilyContactDeclaration');

  router.put('/v1/citizens/:pivotId/family-contact', requireScope(deps.auth, 'citizens:write'), ...jsonBody, async (req, res) => {
    const operation = `PUT ${PATH}`;
    const pivotId = pivotParameter(req);
    // Rights before the body: a caller that may not declare learns nothing from validation.
    const grant = await authorizeDeclare(deps, req.caller!, 'family-contacts', { operation, pivotId });
    const body: unknown = req.body;
    if (!validate(body)) throw new HttpProblem('validation-failed', 'the request does not match the schema', toIssues(validate.errors));
    const citizen = await citizenOf(deps.db, pivotId);
    const contact: FamilyContact = { name: body.name, email: body.email, relationship: body.relationship, language: body.language };
    const { replaced, declaredAt } = await deps.db.transaction(async (tx) => {
      const written = await declareFamilyContact(tx, citizen, contact, req.caller!.name);
      await appendAudit(tx, {
        actor: req.caller!.name,
        action: written.replaced ? 'family-contact.replaced' : 'family-contact.declared',
        pivotId: citizen,
        details: { operation, grant },
      });
      return written;
    });
    const view: View = { pivotId: citizen, ...contact, declaredBy: req.caller!.name, declaredAt };
    res.status(replaced ? 200 : 201).json(view);
  });

  router.get('/v1/citizens/:pivotId/family-contact', requireScope(deps.auth, 'citizens:read'), async (req, res) => {
    const operation = `GET ${PATH}`;
    const pivotId = pivotParameter(req);
    const grant = await authorizeRead(deps, req.caller!, 'family-contacts', { operation, pivotId });
    const citizen = await citizenOf(deps.db, pivotId);
    const found = await familyContactOf(deps.db, citizen);
    if (!found) throw new HttpProblem('not-found', 'no family contact is declared for this citizen');
    await recordRead(deps, req.caller!, { operation, pivotId: citizen, grant });
    const view: View = { pivotId: citizen, ...found };
    res.json(view);
  });

  router.delete('/v1/citizens/:pivotId/family-contact', requireScope(deps.auth, 'citizens:write'), async (req, res) => {
    const operation = `DELETE ${PATH}`;
    const pivotId = pivotParameter(req);
    const grant = await authorizeDeclare(deps, req.caller!, 'family-contacts', { operation, pivotId });
    const citizen = await citizenOf(deps.db, pivotId);
    const withdrawn = await deps.db.transaction(async (tx) => {
      const was = await withdrawFamilyContact(tx, citizen);
      if (was)
        await appendAudit(tx, {
          actor: req.caller!.name,
          action: 'family-contact.withdrawn',
          pivotId: citizen,
          details: { operation, grant },
        });
      return was;
    });
    if (!withdrawn) throw new HttpProblem('not-found', 'no family contact is declared for this citizen');
    res.status(204).end();
  });
  return router;
}
