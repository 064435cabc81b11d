// The words of the user interface in the three languages Tweevoud speaks. The agreement text
// itself is never translated here: it is shown in the language its template is written in;
// only the labels of its blanks follow the UI language (the core provides them).

export const LANGUAGES = ["nl", "fr", "en"];

const STRINGS = {
  nl: {
    language: "Taal",
    templates: "Sjablonen",
    profile: "Profiel",
    choose_template: "Kies links een sjabloon om de tekst te lezen.",
    text_language: "Taal van de tekst",
    fingerprint: "Vingerafdruk (SHA-256)",
    legend: "Wie vult wat in",
    fills: "{party} vult in: {count}",
    party_provider: "Dienstverlener",
    party_customer: "Klant",
    fields_one: "1 veld",
    fields_many: "{n} velden",
    required: "verplicht",
    optional: "facultatief",
    auto_signing_date: "wordt ingevuld bij ondertekening",
    default_value: "standaard: {value}",
    lang_nl: "Nederlands",
    lang_fr: "Frans",
    lang_en: "Engels",
    kind_text: "tekst",
    kind_multiline: "adres of tekst over meerdere regels",
    kind_person_name: "naam van een persoon",
    kind_function: "functie",
    kind_place: "plaats",
    kind_date: "datum",
    kind_enterprise_number: "ondernemingsnummer",
    kind_email: "e-mailadres",
    error_templates: "De sjablonen konden niet geladen worden.",
    error_template: "Dit sjabloon kon niet geopend worden.",
    unknown_blank: "onbekend veld",
  },
  fr: {
    language: "Langue",
    templates: "Modèles",
    profile: "Profil",
    choose_template: "Choisissez un modèle à gauche pour en lire le texte.",
    text_language: "Langue du texte",
    fingerprint: "Empreinte (SHA-256)",
    legend: "Qui remplit quoi",
    fills: "{party} remplit : {count}",
    party_provider: "Prestataire",
    party_customer: "Client",
    fields_one: "1 champ",
    fields_many: "{n} champs",
    required: "obligatoire",
    optional: "facultatif",
    auto_signing_date: "rempli à la signature",
    default_value: "par défaut : {value}",
    lang_nl: "Néerlandais",
    lang_fr: "Français",
    lang_en: "Anglais",
    kind_text: "texte",
    kind_multiline: "adresse ou texte sur plusieurs lignes",
    kind_person_name: "nom d'une personne",
    kind_function: "fonction",
    kind_place: "lieu",
    kind_date: "date",
    kind_enterprise_number: "numéro d'entreprise",
    kind_email: "adresse e-mail",
    error_templates: "Les modèles n'ont pas pu être chargés.",
    error_template: "Ce modèle n'a pas pu être ouvert.",
    unknown_blank: "champ inconnu",
  },
  en: {
    language: "Language",
    templates: "Templates",
    profile: "Profile",
    choose_template: "Choose a template on the left to read its text.",
    text_language: "Language of the text",
    fingerprint: "Fingerprint (SHA-256)",
    legend: "Who fills in what",
    fills: "{party} fills in: {count}",
    party_provider: "Provider",
    party_customer: "Customer",
    fields_one: "1 field",
    fields_many: "{n} fields",
    required: "required",
    optional: "optional",
    auto_signing_date: "filled in on signing",
    default_value: "default: {value}",
    lang_nl: "Dutch",
    lang_fr: "French",
    lang_en: "English",
    kind_text: "text",
    kind_multiline: "address or text on several lines",
    kind_person_name: "a person's name",
    kind_function: "function",
    kind_place: "place",
    kind_date: "date",
    kind_enterprise_number: "enterprise number",
    kind_email: "e-mail address",
    error_templates: "The templates could not be loaded.",
    error_template: "This template could not be opened.",
    unknown_blank: "unknown field",
  },
};

/** The UI language to start in: the first of the user's languages that Tweevoud speaks. */
export function preferredLanguage(languages) {
  for (const tag of languages || []) {
    const base = String(tag).toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

/** The string `key` in `lang`, with its `{name}` parameters filled from `params`. */
export function t(lang, key, params = {}) {
  const table = STRINGS[lang] || STRINGS.en;
  const text = table[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** "1 field" or "n fields". */
export function fieldCount(lang, n) {
  return n === 1 ? t(lang, "fields_one") : t(lang, "fields_many", { n });
}

/** Sets the text of every `[data-i18n]` element and the label of every `[data-i18n-aria]`. */
export function translateStatic(root, lang) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(lang, el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-aria]")) {
    el.setAttribute("aria-label", t(lang, el.dataset.i18nAria));
  }
}
