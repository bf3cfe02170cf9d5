/** One labelled form control with its hint and its error, wired for screen readers. */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

export interface FieldOptions {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  hint?: string | undefined;
  type?: string;
  inputmode?: string;
  autocomplete?: string;
  list?: string;
}

export function renderField(options: FieldOptions): TemplateResult {
  const { name, label, value, error, hint } = options;
  const described = [error ? `${name}-error` : '', hint ? `${name}-hint` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
    <label for=${name}>${label}</label>
    <input
      id=${name}
      name=${name}
      type=${options.type ?? 'text'}
      .value=${value}
      inputmode=${ifDefined(options.inputmode)}
      autocomplete=${ifDefined(options.autocomplete)}
      list=${ifDefined(options.list)}
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${ifDefined(described || undefined)}
    />
    ${error ? html`<p class="field-error" id="${name}-error" data-error-for=${name}>${error}</p>` : nothing}
    ${hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : nothing}
  </div>`;
}

export function renderSelect(name: string, label: string, value: string, choices: Array<[string, string]>, error?: string): TemplateResult {
  return html`<div class="field">
    <label for=${name}>${label}</label>
    <select id=${name} name=${name} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${ifDefined(error ? `${name}-error` : undefined)}>
      ${choices.map(([choice, text]) => html`<option value=${choice} ?selected=${choice === value}>${text}</option>`)}
    </select>
    ${error ? html`<p class="field-error" id="${name}-error" data-error-for=${name}>${error}</p>` : nothing}
  </div>`;
}
