// The party roles of a shared case (the report's consignment.parties). Reads: nothing. Its own module
// so that case-fields.ts and explanations.ts share it without importing each other.
export const PARTY_ROLES = ['shipper', 'consignee', 'notifyParty', 'forwarder', 'declarant'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];
