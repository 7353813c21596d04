// The four labels of API.md, with the keys that apply them and the guidelines reviewers read.

export const LABELS = [
  {
    id: 'sourced_fact', key: '1', name: 'Sourced fact', mark: 'F',
    definition: 'A factual claim whose source is named in the text: a report, a document, an interview, a named person or outlet.',
    examples: ['“The FBI report stated that the gun could not fire without the trigger being pulled.”', '“Baldwin told ABC News that he did not pull the trigger.”'],
    notes: 'Record the source the text names (and its address if there is one). A claim with no named source is not a sourced fact.',
  },
  {
    id: 'speculation', key: '2', name: 'Speculation', mark: 'S',
    definition: 'A guess, rumour or leading question presented as possible without evidence.',
    examples: ['“Could somebody have left a live round in the gun?”', '“Rumor has it that people on the set were doing target practice.”'],
    notes: 'Questions that insinuate an answer count; a question the article then answers with a source does not.',
  },
  {
    id: 'opinion', key: '3', name: 'Opinion', mark: 'O',
    definition: 'The writer’s own judgement, feeling or verdict, as opposed to something that could be checked.',
    examples: ['“the narcissistic, nasty, violent jerk will actually be held accountable”', '“it was a very unsafe set”'],
    notes: 'Mark the whole judgement; mark the inflaming words inside it as loaded language as well (overlap is normal).',
  },
  {
    id: 'loaded_language', key: '4', name: 'Loaded language', mark: 'L',
    definition: 'Words chosen to inflame or to sway rather than to describe.',
    examples: ['“super-douche”', '“Hollywoodcide”', '“a startling turn of events that sent shockwaves”'],
    notes: 'Mark just the words, not the sentence around them.',
  },
];

export const LABEL_BY_ID = Object.fromEntries(LABELS.map((l) => [l.id, l]));
export const LABEL_BY_KEY = Object.fromEntries(LABELS.map((l) => [l.key, l]));

export function labelName(id) { return LABEL_BY_ID[id]?.name ?? id; }
