// Publish a project (thesis fig. 5.1): texts, price, keywords, visibility
// and the file buyers download; recorded on chain as a ProjectMarket event.
import { h, field, group, bindForm, pageHeader } from '../dom.js';
import { write, readBase64 } from '../api.js';
import { keywordList, projectProblems } from '../validate.js';

const VISIBILITY = [
  ['public', 'Public', 'everyone can see it'],
  ['friends', 'Friends only', 'only your contacts can see it'],
  ['private', 'Private', 'only you can see it'],
];

export default function projectNew({ main }) {
  const title = h('input', { type: 'text', maxlength: 80, required: true });
  const summary = h('textarea', { rows: 4, required: true });
  const price = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', required: true });
  const keywords = h('input', { type: 'text', autocapitalize: 'none', placeholder: 'fintech, seed' });
  const file = h('input', { type: 'file', required: true });
  const radios = VISIBILITY.map(([value, label, hint], i) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'visibility', value, checked: i === 0, 'data-testid': `visibility-${value}` }), ` ${label} `, h('span', { class: 'muted' }, `(${hint})`)));
  const form = h('form', { class: 'card', 'aria-label': 'Publish a project' },
    field('project-title', 'Title', title, 'Up to 80 characters.'),
    field('project-summary', 'Summary', summary, 'What buyers see before they buy: 5–1000 characters.'),
    field('project-price', 'Price (PET tokens)', price),
    field('project-keywords', 'Keywords', keywords, '1–10, separated by commas.'),
    group('project-visibility', 'Who can see it', radios),
    field('project-file', 'Project file', file, 'The document buyers download (up to 6 MB).'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'project-submit' }, 'Publish')));
  const values = () => ({
    title: title.value.trim(),
    summary: summary.value.trim(),
    price: price.value.trim(),
    keywords: keywordList(keywords.value),
    visibility: form.querySelector('input[name=visibility]:checked')?.value || 'public',
    file: file.files[0],
  });
  bindForm(form, {
    name: 'project',
    validate: () => projectProblems(values()),
    submit: async (progress) => {
      const v = values();
      progress(`Reading ${v.file.name}…`);
      const content = await readBase64(v.file);
      const body = { title: v.title, summary: v.summary, price: v.price, keywords: v.keywords, visibility: v.visibility, file: { name: v.file.name, content_base64: content } };
      const t = await write('POST', '/api/projects', body, progress);
      form.reset();
      return [`Published "${v.title}" in block ${t.block}. `, h('a', { href: '#/projects?view=mine', 'data-testid': 'see-my-projects' }, 'See your projects')];
    },
  });
  main.append(pageHeader('Publish a project'), form);
}
