// The personas: the list, the one being written, and what saving said. Only it calls the API.
import * as api from '../../lib/api';

/** A persona being written: a new one (`id` null) or a change to one. */
export interface Draft {
  id: number | null;
  fields: api.PersonaFields;
}

export class PersonasState {
  list = $state<api.Persona[]>([]);
  draft = $state<Draft | null>(null);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    try {
      this.list = await api.listPersonas();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  startNew(): void {
    this.error = null;
    this.draft = { id: null, fields: { name: '', instructions: '', temperature: 0.7, maxTokens: 512 } };
  }

  startEdit(persona: api.Persona): void {
    const { id, name, instructions, temperature, maxTokens } = persona;
    this.error = null;
    this.draft = { id, fields: { name, instructions, temperature, maxTokens } };
  }

  /** Keeps the draft; it stays open with the reason when it cannot be kept. */
  async save(): Promise<void> {
    if (this.draft === null) return;
    try {
      await api.savePersona(this.draft.id, { ...this.draft.fields });
      this.draft = null;
      this.error = null;
      await this.refresh();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await api.deletePersona(id);
      if (this.draft?.id === id) this.draft = null;
      await this.refresh();
    } catch (e) {
      this.error = api.errorText(e);
    }
  }

  named(id: number | null): api.Persona | undefined {
    return this.list.find((p) => p.id === id);
  }
}
