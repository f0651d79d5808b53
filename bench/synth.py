"""Synthetic archive: N articles in the seeds format (article.txt + facts.yml), for benchmarks
and scale tests.

Each article has 10-14 paragraphs and 8-12 quotes of every kind (direct, indirect, partial,
some reported by another speaker, some inferred), speakers drawn from 5,000 people with a Zipf
skew (the busiest speaks in a large share of articles, most rarely), roles, organizations,
countries, events with dates, legal references and editorial notes. Every quote and piece of
evidence occurs verbatim exactly once in its article; the build's own checks accept it.

Deterministic: the same --seed and --articles give byte-identical files. Article i depends only
on (seed, i), so a larger archive starts with the smaller one's articles.

    python bench/synth.py --articles 2000 --out /tmp/seeds [--seed 1]
"""
import argparse
import bisect
import itertools
import json
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

PEOPLE = 5000
ZIPF_S = 1.0
RARE_WORD = "aquifer"      # planted in about 1 article in 400: the benchmark's rare search word
COMMON_WORD = "government"  # in nearly every article

# (ISO code, name, adjective, capital)
COUNTRIES = [
    ("AR", "Argentina", "Argentine", "Buenos Aires"), ("BO", "Bolivia", "Bolivian", "La Paz"),
    ("BR", "Brazil", "Brazilian", "Brasília"), ("CL", "Chile", "Chilean", "Santiago"),
    ("CO", "Colombia", "Colombian", "Bogotá"), ("EC", "Ecuador", "Ecuadorian", "Quito"),
    ("MX", "Mexico", "Mexican", "Mexico City"), ("PE", "Peru", "Peruvian", "Lima"),
    ("UY", "Uruguay", "Uruguayan", "Montevideo"), ("PY", "Paraguay", "Paraguayan", "Asunción"),
    ("VE", "Venezuela", "Venezuelan", "Caracas"), ("CU", "Cuba", "Cuban", "Havana"),
    ("GT", "Guatemala", "Guatemalan", "Guatemala City"), ("HN", "Honduras", "Honduran", "Tegucigalpa"),
    ("PA", "Panama", "Panamanian", "Panama City"), ("CR", "Costa Rica", "Costa Rican", "San José"),
    ("ES", "Spain", "Spanish", "Madrid"), ("FR", "France", "French", "Paris"),
    ("DE", "Germany", "German", "Berlin"), ("IT", "Italy", "Italian", "Rome"),
    ("PT", "Portugal", "Portuguese", "Lisbon"), ("GB", "United Kingdom", "British", "London"),
    ("US", "United States", "American", "Washington"), ("CA", "Canada", "Canadian", "Ottawa"),
    ("JP", "Japan", "Japanese", "Tokyo"), ("CN", "China", "Chinese", "Beijing"),
    ("IN", "India", "Indian", "New Delhi"), ("ZA", "South Africa", "South African", "Pretoria"),
    ("NG", "Nigeria", "Nigerian", "Abuja"), ("KE", "Kenya", "Kenyan", "Nairobi"),
    ("EG", "Egypt", "Egyptian", "Cairo"), ("TR", "Turkey", "Turkish", "Ankara"),
    ("MA", "Morocco", "Moroccan", "Rabat"), ("AU", "Australia", "Australian", "Canberra"),
    ("ID", "Indonesia", "Indonesian", "Jakarta"), ("SE", "Sweden", "Swedish", "Stockholm"),
    ("NO", "Norway", "Norwegian", "Oslo"), ("PL", "Poland", "Polish", "Warsaw"),
]
# Capitals whose name holds a country's ("Mexico City"): not mentions of that country.
CAPITALS_NAMING = {c[3] for c in COUNTRIES if any(re.search(rf"\b{re.escape(o[1])}\b", c[3]) for o in COUNTRIES)}
AREAS = ["Foreign Affairs", "Trade", "Finance", "the Interior", "Justice", "Health", "Energy", "Defence"]
# (id, name, acronym)
BODIES = [
    ("united-nations", "United Nations", "UN"),
    ("world-trade-organization", "World Trade Organization", "WTO"),
    ("organization-of-american-states", "Organization of American States", "OAS"),
    ("international-monetary-fund", "International Monetary Fund", "IMF"),
    ("world-health-organization", "World Health Organization", "WHO"),
    ("european-union", "European Union", "EU"),
    ("african-union", "African Union", "AU"),
    ("international-court-of-justice", "International Court of Justice", "ICJ"),
]
FIRST = {
    "she": ["Ana", "María", "Lucía", "Carmen", "Elena", "Sofía", "Isabel", "Rosa", "Paula", "Laura",
            "Claire", "Ingrid", "Amara", "Yuki", "Priya", "Fatima", "Helena", "Marta", "Julia", "Noor"],
    "he": ["José", "Luis", "Carlos", "Jorge", "Andrés", "Pablo", "Miguel", "Tomás", "Diego", "Rafael",
           "Pierre", "Lars", "Kwame", "Hiroshi", "Arjun", "Omar", "Stefan", "Marco", "Daniel", "Ibrahim"],
}
ONSETS = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "ch", "gr", "tr", "ll", "qu"]
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "á", "é", "ó"]
CODAS = ["", "", "", "n", "s", "r", "l", "z"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

TOPICS = ["trade", "migration", "energy", "fisheries", "border security", "water rights", "public debt",
          "asylum", "mining", "vaccines", "customs", "climate finance", "drug trafficking", "tariffs"]
OBJECTS = ["the agreement", "the new tariffs", "the border regime", "the loan", "the customs rules",
           "the asylum request", "the extradition request", "the fishing quotas", "the pipeline",
           "the aid package", "the joint commission", "the transit permits", "the sanctions",
           "the election observers", "the mining concessions", "the vaccine shipments"]
STATES = ["under review", "on hold", "a priority", "in force", "open to negotiation", "unacceptable",
          "a matter for the courts", "far from settled", "a shared responsibility", "too costly"]
ACTIONS = ["review", "suspend", "renegotiate", "defend", "extend", "publish", "reconsider", "ratify",
           "challenge", "honour", "expand", "audit"]
PAST = {"review": "reviewed", "suspend": "suspended", "renegotiate": "renegotiated", "defend": "defended",
        "extend": "extended", "publish": "published", "reconsider": "reconsidered", "ratify": "ratified",
        "challenge": "challenged", "honour": "honoured", "expand": "expanded", "audit": "audited"}
PERIODS = ["the year", "the month", "the next session", "the summer", "the current term", "the decade"]
CONCERNS = ["the rights of workers", "the needs of small farmers", "our sovereignty", "the rule of law",
            "the safety of migrants", "public health", "the coastal communities", "fiscal discipline",
            "the victims", "the indigenous communities", "regional stability", "the environment"]
DIRECT = [
    "We will not accept {o} if it ignores {c}",
    "Our position on {o} has not changed since {period_word}",
    "Nobody can ask us to {a} {o} overnight",
    "We are ready to {a} {o}, but not at the expense of {c}",
    "This is about {c}, not about politics",
    "The decision to {a} {o} belongs to our {institution}",
    "We have always said that {o} is {s}",
    "There will be no agreement without guarantees for {c}",
    "We expect a clear answer on {o} before the end of {p}",
    "Anyone who has read the text knows that {o} is {s}",
]
INDIRECT = [
    "{o} remained {s} and that the {institution} would {a} it before the end of {p}",
    "the government intended to {a} {o} to protect {c}",
    "the talks on {t} had stalled over {o}",
    "{o} would be {s} until both delegations met again",
    "the authorities had been asked to {a} {o} without delay",
    "any decision on {o} had to take into account {c}",
    "the {institution} had not been consulted on {o}",
    "the country would {a} {o} if the other side did the same",
]
INSTITUTIONS = ["congress", "cabinet", "supreme court", "senate", "central bank", "electoral authority"]
PERIOD_WORDS = ["the first round of talks", "the last summit", "the previous government", "the election"]
PARTIAL = ["a clear violation of the agreement", "a dangerous precedent", "an unfriendly act",
           "entirely legal", "a step in the right direction", "long overdue", "a humanitarian duty",
           "a political manoeuvre", "an insult to the victims", "premature", "a shared success",
           "unworkable in practice"]
DIRECT_VERBS = ["said", "added", "insisted", "declared", "stressed"]
INDIRECT_VERBS = ["said", "noted", "argued", "warned", "stressed", "recalled", "explained",
                  "pointed out", "acknowledged", "maintained"]
RANKS = ["senior adviser", "deputy minister", "spokesperson", "director general", "chief negotiator"]
TITLES = ["Minister of {area}", "Deputy Minister of {area}", "Undersecretary of {area}"]
BODY_TITLES = ["spokesperson", "senior official", "regional director", "legal adviser"]
OTHER_TITLES = ["opposition senator", "former ambassador", "independent analyst", "trade union leader"]
# (instrument, kind, provisions or None, verb phrase)
INSTRUMENTS = [
    ("Vienna Convention on Diplomatic Relations", "treaty", ["Article 22", "Article 29", "Article 41"], "protects the premises of a mission"),
    ("Caracas Convention on Diplomatic Asylum", "treaty", ["Article 4", "Article 12"], "lets the granting state qualify the case"),
    ("Charter of the United Nations", "treaty", ["Article 2", "Article 33", "Article 51"], "requires disputes to be settled peacefully"),
    ("American Convention on Human Rights", "treaty", ["Article 8", "Article 22"], "guarantees the right to seek asylum"),
    ("{adj} Constitution", "constitution", ["Article 11", "Article 89", "Article 118"], "reserves that decision to the head of state"),
    ("{adj} Migration Law", "law", ["Article 7", "Article 36"], "sets the conditions for a transit permit"),
    ("principle of non-intervention", "principle", None, "forbids any interference in internal affairs"),
    ("pro persona principle", "principle", None, "requires the broadest protection of the individual"),
    ("General Assembly resolution", "resolution", ["resolution 2625", "resolution 3314"], "defines the duties of states"),
]
WRITER = [
    "Officials on both sides declined to give a timetable for the next meeting.",
    "The talks are the first of their kind in more than a decade.",
    "Analysts expect the dispute to weigh on regional trade for months.",
    "Neither delegation published the full text of its proposal.",
    "Business groups have followed the negotiations closely.",
    "The meeting took place behind closed doors.",
    "Several regional governments have offered to mediate.",
    "Protesters gathered outside the venue during the afternoon session.",
    "The dispute has already delayed two infrastructure projects.",
    "Local media described the atmosphere as tense but cordial.",
    "Observers noted that the tone had softened since the last round.",
    "A joint statement is expected later in the week.",
]
RARE_SENTENCE = "The dispute also concerns the shared aquifer under the border."


def ascii_slug(text):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def make_people(seed):
    """5,000 people with unique surnames, each with a gender, a country and an affiliation.
    Person 0 is the busiest (Zipf rank 1)."""
    rng = random.Random(f"{seed}:people")
    reserved = {word for c in COUNTRIES for word in c[1:]} | {w for names in FIRST.values() for w in names}
    surnames, people = set(), []
    while len(people) < PEOPLE:
        surname = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                          for _ in range(rng.choice((2, 2, 3)))).capitalize()
        folded = ascii_slug(surname)  # "Gébror" and "Gebrór" would share a slug
        if folded in surnames or surname in reserved or len(surname) < 4:
            continue
        surnames.add(folded)
        gender = rng.choice(("she", "he"))
        first = rng.choice(FIRST[gender])
        country = rng.choice(COUNTRIES)
        kind = rng.random()
        if kind < 0.7:
            area = rng.choice(AREAS)
            affiliation = ("ministry", area, rng.choice(TITLES).format(area=area), rng.choice(RANKS))
        elif kind < 0.85:
            affiliation = ("body", rng.choice(BODIES), rng.choice(BODY_TITLES), None)
        else:
            affiliation = ("none", None, rng.choice(OTHER_TITLES), None)
        name = f"{first} {surname}"
        people.append({"id": ascii_slug(name), "name": name, "surname": surname, "gender": gender,
                       "country": country, "affiliation": affiliation})
    return people


def ministry(country, area):
    code, name, adj, _ = country
    return {"id": f"{code.lower()}-ministry-of-{ascii_slug(area)}", "name": f"Ministry of {area} of {name}",
            "country": code, "kind": "ministry", "forms": [f"{adj} Ministry of {area}"]}


def government(country):
    code, name, adj, _ = country
    return {"id": f"government-of-{ascii_slug(name)}", "name": f"Government of {name}", "country": code,
            "kind": "government", "forms": [f"{adj} government"]}


def body_org(body):
    key, name, acronym = body
    return {"id": key, "name": name, "acronym": acronym, "kind": "international body", "forms": [name, acronym]}


class Retry(Exception):
    """The drawn article repeats a phrase; draw it again."""


class Article:
    """Text and facts of one article, built paragraph by paragraph."""

    def __init__(self, rng, people, speakers, extra):
        self.rng, self.people = rng, people
        self.paragraphs = []
        self.quotes, self.roles, self.events, self.legal, self.notes = [], [], [], [], []
        self.introduced, self.orgs, self.countries = set(), {}, {}
        self.speakers, self.extra = speakers, extra
        self.used = set()
        self.counters = itertools.count(1)

    # --- phrases -------------------------------------------------------------------------
    def fill(self, template, **extra):
        rng = self.rng
        values = dict(o=rng.choice(OBJECTS), s=rng.choice(STATES), a=rng.choice(ACTIONS),
                      p=rng.choice(PERIODS), c=rng.choice(CONCERNS), t=rng.choice(TOPICS),
                      institution=rng.choice(INSTITUTIONS), period_word=rng.choice(PERIOD_WORDS))
        values.update(extra)
        text = template.format(**values)
        if text in self.used:
            raise Retry()
        self.used.add(text)
        return text

    def direct(self):
        text = self.fill(self.rng.choice(DIRECT))
        return text[0].upper() + text[1:]

    def indirect(self):
        return self.fill(self.rng.choice(INDIRECT))

    # --- people --------------------------------------------------------------------------
    def key(self, prefix):
        return f"{prefix}{next(self.counters)}"

    def who(self, person):
        """The person's name as the text gives it here: with their role the first time."""
        if person["id"] in self.introduced:
            return person["surname"]
        self.introduced.add(person["id"])
        code, cname, adj, _ = person["country"]
        self.countries[code] = person["country"]
        kind, what, title, rank = person["affiliation"]
        if kind == "ministry":
            org = ministry(person["country"], what)
            self.orgs[org["id"]] = org
            if self.rng.random() < 0.5:
                evidence = f"{adj} {title} {person['name']}"
                role = dict(title=title, organization=org["id"], basis="inferred",
                            basis_note="The text gives the title only; the ministry is inferred from it.")
            else:
                evidence = f"{person['name']}, {rank} at the {adj} Ministry of {what}"
                role = dict(title=rank, organization=org["id"], basis="stated")
        elif kind == "body":
            org = body_org(what)
            self.orgs[org["id"]] = org
            evidence = f"{person['name']}, {title} of the {what[1]} ({what[2]})"
            role = dict(title=title, organization=org["id"], basis="stated")
        else:
            evidence = f"{adj} {title} {person['name']}"
            role = dict(title=title, basis="stated")
        self.roles.append(dict(person=person["id"], evidence=evidence, **role))
        return evidence

    def subject(self, person):
        """who(), closed with a comma where the role follows the name as an apposition."""
        words = self.who(person)
        return words + "," if ", " in words else words

    def pronoun(self, person):
        return "She" if person["gender"] == "she" else "He"

    # --- paragraph shapes ----------------------------------------------------------------
    def quote(self, key, person, kind, text, verb, attribution, note=None, **more):
        entry = dict(id=key, speaker=person["id"], kind=kind, verb=verb, attribution=attribution,
                     attribution_note=note, text=text, **more)
        self.quotes.append(entry)
        return entry

    def direct_said(self, person):
        text, verb = self.direct(), self.rng.choice(DIRECT_VERBS)
        self.quote(self.key("q"), person, "direct", text, verb, "explicit")
        return f"“{text},” {verb} {self.who(person)}."

    def indirect_said(self, person, continuing=False):
        verb = self.rng.choice(INDIRECT_VERBS)
        clause, extra = self.indirect(), ""
        roll = self.rng.random()
        if roll < 0.25:
            clause = clause + self.legal_clause(person)
        elif roll < 0.45:
            clause = clause + self.event_clause()
        if continuing and person["id"] in self.introduced:
            subject = self.pronoun(person)
        else:
            subject = self.subject(person)
        entry = self.quote(self.key("r"), person, "indirect", clause, verb, "explicit")
        self.attach(entry)
        if self.rng.random() < 0.15:
            extra = " " + self.rng.choice(WRITER)
            if extra.strip() in self.used:
                raise Retry()
            self.used.add(extra.strip())
        return f"{subject} {verb} that {clause}.{extra}"

    def partial(self, person):
        verb = self.rng.choice(INDIRECT_VERBS)
        fragment = self.rng.choice(PARTIAL)
        if fragment in self.used:
            raise Retry()
        self.used.add(fragment)
        clause = f"{self.rng.choice(OBJECTS)} was “{fragment}” and had to be {PAST[self.rng.choice(ACTIONS)]}"
        if clause in self.used:
            raise Retry()
        self.used.add(clause)
        self.quote(self.key("r"), person, "indirect", clause, verb, "explicit")
        self.quote(self.key("p"), person, "partial", fragment, verb, "explicit")
        return f"{self.subject(person)} {verb} that {clause}."

    def standalone(self, person):
        text = self.direct() + "."
        self.quote(self.key("q"), person, "direct", text, None, "inferred",
                   note=f"A paragraph of its own with no reporting verb; the text continues from {person['surname']}.")
        return f"“{text}”"

    def reported(self, person, other):
        clause = self.indirect()
        entry = self.quote(self.key("r"), other, "indirect", clause, "stated", "explicit",
                           reported_by=person["id"], reported_by_basis="stated")
        self.attach(entry)
        return f"{self.subject(person)} said that {self.subject(other)} had stated that {clause}."

    def wrong_pronoun(self, person):
        """A pronoun that does not fit the speaker: an inferred attribution and a note."""
        wrong = "He" if person["gender"] == "she" else "She"
        verb = "indicated"
        clause = self.indirect()
        as_written = f"{wrong} {verb}"
        self.quote(self.key("r"), person, "indirect", clause, verb, "inferred",
                   note=f"The text says \"{as_written}\" right after a paragraph about {person['surname']}; taken as theirs.")
        self.notes.append(dict(id=self.key("n"), subject="attribution", as_written=as_written,
                               note=f"The pronoun does not fit {person['name']}, the speaker the text continues from."))
        return f"{as_written} that {clause}."

    def legal_clause(self, person):
        instrument, kind, provisions, effect = self.rng.choice(INSTRUMENTS)
        instrument = instrument.format(adj=person["country"][2])
        provision = self.rng.choice(provisions) if provisions else None
        if kind == "principle":
            evidence = f"the {instrument}"
        elif kind == "resolution":
            evidence = f"{instrument} {provision.split()[1]}"
        else:
            evidence = f"{provision} of the {instrument}"
        if evidence in self.used:
            raise Retry()
        self.used.add(evidence)
        self.pending_legal = dict(id=self.key("l"), instrument=instrument, provision=provision, kind=kind,
                                  cited_by=person["id"], evidence=evidence)
        return f", since {evidence} {effect}"

    def event_clause(self):
        year = self.rng.randint(2008, 2024)
        month = self.rng.randrange(12)
        what = self.rng.choice(["signed a framework accord", "closed the border crossing",
                                "recalled its ambassador", "suspended the joint commission",
                                "lifted the import ban", "held a referendum"])
        as_written = f"in {MONTHS[month]} {year}"
        evidence = f"the other side {what} {as_written}"
        if evidence in self.used:
            raise Retry()
        self.used.add(evidence)
        self.pending_event = dict(id=self.key("e"), title=f"The other side {what}", date_as_written=as_written,
                                  date=f"{year}-{month + 1:02d}", evidence=evidence)
        return f", recalling that {evidence}"

    def attach(self, entry):
        """Legal references and events drawn into this statement point at it."""
        legal = getattr(self, "pending_legal", None)
        if legal:
            self.legal.append(dict(legal, quote=entry["id"]))
            self.pending_legal = None
        event = getattr(self, "pending_event", None)
        if event:
            self.events.append(dict(event, quote=entry["id"]))
            self.pending_event = None


def zipf_picker(seed):
    weights = [1 / (rank ** ZIPF_S) for rank in range(1, PEOPLE + 1)]
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def pick(rng):
        return bisect.bisect(cumulative, rng.random() * total)
    return pick


WHOLE_WORD = {}


def whole_word(phrase):
    """The build's whole-word pattern for a name, compiled once."""
    pattern = WHOLE_WORD.get(phrase)
    if pattern is None:
        pattern = WHOLE_WORD[phrase] = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")
    return pattern


def draw_article(seed, index, attempt, people, pick):
    """One article's text and facts; raises Retry on a repeated phrase."""
    rng = random.Random(f"{seed}:{index}:{attempt}")
    speakers = []
    while len(speakers) < rng.randint(3, 5):
        person = people[pick(rng)]
        if person not in speakers:
            speakers.append(person)
    extra = people[pick(rng)]
    while extra in speakers:
        extra = people[pick(rng)]
    art = Article(rng, people, speakers, extra)
    host, guest = rng.sample(COUNTRIES, 2)
    art.countries[host[0]], art.countries[guest[0]] = host, guest
    topic = rng.choice(TOPICS)
    year, month, day = rng.randint(2015, 2026), rng.randrange(12), rng.randint(1, 28)
    date_words = f"on {day} {MONTHS[month]} {year}"
    lead_evidence = f"{host[2]} and {guest[2]} delegations opened talks on {topic} in {host[3]} {date_words}"
    art.events.append(dict(id="talks-open", title=f"{host[1]} and {guest[1]} open talks on {topic}",
                           country=host[0], date_as_written=date_words,
                           date=f"{year}-{month + 1:02d}-{day:02d}", evidence=lead_evidence))
    govs = [government(host), government(guest)]
    for gov in govs:
        art.orgs[gov["id"]] = gov
    paragraphs = [
        f"{host[3].upper()}, {host[1]} — {lead_evidence}, in a meeting both sides called decisive for the region.",
        f"Relations between {host[1]} and {guest[1]} have been strained since the {govs[1]['forms'][0]} "
        f"questioned a decision of the {govs[0]['forms'][0]}.",
    ]
    target_quotes, target_paragraphs = rng.randint(8, 12), rng.randint(10, 14)
    last = None
    shapes = ["direct_said", "indirect_said", "partial", "standalone", "reported", "continuing"]
    weights = [3, 4, 2, 1, 1, 2]
    wrong_done = False
    while len(art.quotes) < target_quotes:
        person = rng.choice(speakers)
        shape = rng.choices(shapes, weights)[0]
        if shape == "direct_said":
            text = art.direct_said(person)
            if rng.random() < 0.4 and len(art.quotes) < target_quotes:
                text += " " + art.indirect_said(person, continuing=True)
        elif shape == "indirect_said":
            text = art.indirect_said(person)
        elif shape == "partial":
            if len(art.quotes) + 2 > target_quotes:
                continue
            text = art.partial(person)
        elif shape == "standalone":
            if last is None:
                continue
            person = last
            text = art.standalone(person)
        elif shape == "reported":
            text = art.reported(person, extra)
        else:
            if last is None:
                continue
            person = last
            if not wrong_done and rng.random() < 0.3:
                text, wrong_done = art.wrong_pronoun(person), True
            else:
                text = art.indirect_said(person, continuing=True)
        paragraphs.append(text)
        last = person
    writer = rng.sample(WRITER, len(WRITER))
    while len(paragraphs) < target_paragraphs:
        sentence = writer.pop()
        if sentence in art.used:
            continue
        paragraphs.insert(rng.randint(2, len(paragraphs)), sentence)
    if rng.random() < 1 / 400:
        paragraphs[1] += " " + RARE_SENTENCE
    if rng.random() < 0.5 and len(paragraphs) < 14:
        note_sentence = "Officials did not say when the next round of talks would take place."
        paragraphs.append(note_sentence)
        art.notes.append(dict(id=art.key("n"), subject="date", as_written=note_sentence,
                              note="The text gives no date for the next round; no event is recorded for it."))
    body = "\n".join(paragraphs) + "\n"
    for needle in [q["text"] for q in art.quotes] + [r["evidence"] for r in art.roles] + \
            [e["evidence"] for e in art.events] + [r["evidence"] for r in art.legal] + \
            [n["as_written"] for n in art.notes]:
        if body.count(needle) != 1:
            raise Retry()
    return art, host, guest, topic, (year, month, day), body


def facts_for(art, host, guest, topic, date, body, seed):
    """The facts.yml sections, in the seeds' order; names are the forms the text really uses."""
    year, month, day = date

    def forms(candidates):
        return [form for form in candidates if whole_word(form).search(body)]

    countries = []
    for code in sorted(art.countries):
        _, name, adj, capital = art.countries[code]
        countries.append(dict(id=code, name=name, names=forms([name, adj]) or None))
    organizations = []
    for key in sorted(art.orgs):
        org = art.orgs[key]
        organizations.append(dict(id=org["id"], name=org["name"], acronym=org.get("acronym"),
                                  country=org.get("country"), kind=org["kind"], names=forms(org["forms"]) or None))
    people = []
    listed = {p["id"]: p for p in art.speakers + [art.extra]}
    quoted = {q["speaker"] for q in art.quotes} | {q.get("reported_by") for q in art.quotes}
    for key in sorted(k for k in listed if k in quoted):
        person = listed[key]
        code = person["country"][0]
        if code not in art.countries:
            raise Retry()  # the person's country must be listed; it is, once introduced
        people.append(dict(id=key, name=person["name"], country=code,
                           names=[person["name"], person["surname"]]))
    capitals_with_names = [c[3] for c in art.countries.values() if c[3] in CAPITALS_NAMING]
    return {
        "article": dict(
            headline=f"{host[1]} and {guest[1]} open talks on {topic}", headline_source="editorial",
            dateline=f"{host[3]}, {host[1]}", language="en",
            published=f"{year}-{month + 1:02d}-{day:02d}",
            published_note="Synthetic: the date of the talks the article reports.",
            source=f"Synthetic article generated by bench/synth.py (seed {seed})"),
        "countries": countries, "organizations": organizations, "people": people,
        "not_mentions": capitals_with_names or None,
        "roles": art.roles, "quotes": art.quotes, "events": art.events,
        "legal_references": art.legal, "editorial_notes": art.notes,
    }


def quoted(text):
    if '"' in text or "\\" in text:
        return json.dumps(text, ensure_ascii=False)
    return f'"{text}"'


def scalar(value):
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(map(quoted, value)) + "]"
    return quoted(value)


def to_yaml(facts):
    """YAML by hand (JSON strings are YAML double-quoted scalars): fast and exact."""
    out = ["# Synthetic facts; see bench/synth.py."]
    for section, value in facts.items():
        if value is None or value == []:
            continue
        if isinstance(value, dict):
            out.append(f"{section}:")
            out += [f"  {k}: {scalar(v)}" for k, v in value.items() if v is not None]
        elif section == "not_mentions":
            out.append(f"{section}: {scalar(value)}")
        else:
            out.append(f"{section}:")
            for entry in value:
                items = [(k, v) for k, v in entry.items() if v is not None]
                out.append(f"  - {items[0][0]}: {scalar(items[0][1])}")
                out += [f"    {k}: {scalar(v)}" for k, v in items[1:]]
    return "\n".join(out) + "\n"


def article(seed, index, people, pick):
    """(slug, article.txt, facts.yml) of article `index`, retried until its phrases are unique."""
    for attempt in range(100):
        try:
            art, host, guest, topic, date, body = draw_article(seed, index, attempt, people, pick)
            facts = facts_for(art, host, guest, topic, date, body, seed)
        except Retry:
            continue
        slug = f"{ascii_slug(host[1])}-{ascii_slug(guest[1])}-{ascii_slug(topic)}-{index:06d}"
        return slug, body, to_yaml(facts)
    raise RuntimeError(f"article {index}: no valid draw in 100 attempts")


def generate(articles, out, seed=1):
    """Write `articles` article folders into out (which must be empty or missing)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"synth: {out}: not empty (remove it first; articles are never mixed)")
    out.mkdir(parents=True, exist_ok=True)
    people = make_people(seed)
    pick = zipf_picker(seed)
    for index in range(articles):
        slug, body, facts = article(seed, index, people, pick)
        folder = out / slug
        folder.mkdir()
        (folder / "article.txt").write_text(body, encoding="utf-8")
        (folder / "facts.yml").write_text(facts, encoding="utf-8")
    return people


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.articles, args.out, args.seed)
    print(f"synth: {args.articles} articles in {args.out} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
