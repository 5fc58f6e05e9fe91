// Bill (thesis fig. 5.6): every token movement of the account, from the
// indexer, with the balance it adds up to.
import { h, load, pageHeader, tokens, formatAmount, shortHex } from '../dom.js';
import { get } from '../api.js';

const KINDS = {
  'top-up': 'Top-up', purchase: 'Project bought', sale: 'Project sold', escrow: 'Demand bounty (escrow)',
  refund: 'Bounty refunded', bounty: 'Bounty won', 'transfer-in': 'Transfer received', 'transfer-out': 'Transfer sent',
  burn: 'Burned', 'recovery-in': 'Recovery (in)', 'recovery-out': 'Recovery (out)',
};

export default function bill({ main }) {
  const body = h('div');
  main.append(pageHeader('Bill'), body);
  return load(body, async () => {
    const [b, bal] = await Promise.all([get('/api/token/bill'), get('/api/token/balance')]);
    const entries = [...b.entries].reverse();
    const rows = entries.map((e) => {
      const amount = String(e.amount);
      const ref = e.ref == null ? '' : e.kind === 'purchase' || e.kind === 'sale' ? h('a', { href: `#/projects/${e.ref}` }, `project #${e.ref}`) : h('a', { href: `#/demands/${e.ref}` }, `demand #${e.ref}`);
      return h('tr', { 'data-testid': 'bill-entry', 'data-kind': e.kind, 'data-amount': amount },
        h('td', { 'data-label': 'When' }, h('span', null, e.time ? new Date(e.time * 1000).toLocaleString() : '', h('span', { class: 'muted' }, ` · block ${e.block}`))),
        h('td', { 'data-label': 'What' }, h('span', null, KINDS[e.kind] || e.kind, ref ? [' · ', ref] : null)),
        h('td', { 'data-label': 'Amount', class: `num ${amount.startsWith('-') ? 'neg' : 'pos'}` }, amount.startsWith('-') ? formatAmount(amount) : `+${formatAmount(amount)}`),
        h('td', { 'data-label': 'Counterparty' }, e.counterparty ? h('code', { title: e.counterparty }, shortHex(e.counterparty)) : '—'),
        h('td', { 'data-label': 'Transaction' }, h('code', { title: e.tx }, shortHex(e.tx))));
    });
    const matches = String(b.total) === String(bal.balance);
    return [
      h('section', { class: 'card summary-cards' },
        h('div', { class: 'balance', 'data-testid': 'bill-balance', 'data-balance': bal.balance },
          h('span', { class: 'label' }, 'Balance on chain'), h('span', { class: 'amount' }, tokens(bal.balance))),
        h('div', { class: 'balance', 'data-testid': 'bill-total', 'data-total': b.total },
          h('span', { class: 'label' }, 'Sum of the bill'), h('span', { class: 'amount' }, tokens(b.total))),
        h('p', { class: matches ? 'ok-text' : 'muted', 'data-testid': 'bill-check' },
          matches ? 'The bill adds up to your balance.' : `The bill covers blocks up to ${b.indexed_block}; newer movements are still being indexed.`)),
      entries.length
        ? h('div', { class: 'table-wrap card flush', tabindex: '0', role: 'region', 'aria-label': 'Bill entries' },
          h('table', { class: 'stack', 'data-testid': 'bill-table' },
            h('thead', null, h('tr', null, ['When', 'What', 'Amount (PET)', 'Counterparty', 'Transaction'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', null, rows)))
        : h('p', { class: 'muted' }, 'No movements yet. Top up to get started.'),
    ];
  });
}
