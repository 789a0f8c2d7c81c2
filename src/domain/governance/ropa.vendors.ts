// The records-of-processing source for processors: each active processor is an activity carried
// out for us, with its purposes, data, recipients (the processor and its sub-processors),
// transfers with their safeguards, retention at the processor and its security assurance.
import type { RopaSource } from './ropa.service.ts';
import type { VendorService } from './vendor.service.ts';

export function vendorRopaSource(vendors: VendorService): RopaSource {
  return {
    id: 'processors',
    label: 'Processing by our processors',
    async entries(ex, orgId, today) {
      return (await vendors.active(ex, orgId))
        .filter((v) => v.isProcessor)
        .map((v) => ({
          id: v.id,
          name: `${v.services} (${v.name})`,
          href: `/governance/vendors/${v.id}`,
          role: 'Controller, using a processor',
          purposes: v.purposes ? [v.purposes] : [],
          lawfulBasis: [],
          dataSubjects: v.subjectCategories,
          dataCategories: v.dataCategories,
          recipients: [
            `${v.name} (processor)`,
            ...v.subProcessors.map(
              (s) => `${s.name} (sub-processor${s.service ? `: ${s.service}` : ''})`,
            ),
          ],
          // A vendor the DPO keeps off the charter is described there, not named.
          ...(v.onCharter
            ? {}
            : {
                nameOnCharter: v.services,
                recipientsOnCharter: ['A processor working for us under contract'],
              }),
          transfers: v.internationalTransfers
            ? [
                `${v.dataLocations.join(', ')}: ${v.transferMechanismLabel ?? 'safeguard not recorded'}`,
              ]
            : [],
          retention: v.retention,
          security: [
            ...v.certifications
              .filter((c) => c.expiresOn >= today)
              .map((c) => `${c.scheme} (until ${c.expiresOn})`),
            v.securityMeasures,
            v.art28Terms ? 'Contract with UK GDPR Art. 28 terms' : '',
          ]
            .filter(Boolean)
            .join('; '),
        }));
    },
  };
}
