import { loadRulesSnapshot } from './services/scoring/rules-store.ts';
const s = loadRulesSnapshot();
for (const sub of s.knowledge.substances.values()) console.log(sub.id, sub.role, sub.cas.map(c=>c.number).join(' '), sub.listings.map(l=>`${l.jurisdiction}:${l.since}:${l.status}${l.direction?':'+l.direction:''}`).join(' '));
for (const f of s.knowledge.families.values()) console.log('FAMILY', f.id, f.listings.map(l=>`${l.jurisdiction}:${l.since}:${l.status}`).join(' '));
