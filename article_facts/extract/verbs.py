"""Reporting verbs: the words that introduce speech ("said", "told", "gushed").

Their own module because two stages read them: finding mentions (a capitalised word next to a
reporting verb is a name, not a sentence's first word) and choosing speakers (the verb's subject
speaks).
"""

# fmt: off
VERBS = {
    "according", "acknowledged", "acknowledges", "added", "adding", "adds", "admits", "admitted",
    "agreed", "alleged", "alleges", "announced", "announces", "answered", "argued", "argues",
    "arguing", "asked", "asking", "asks", "assured", "boasted", "cautioned", "charged", "claimed",
    "claiming", "claims", "clarified", "commented", "complained", "conceded", "concluded",
    "confirmed", "confirms", "contended", "contends", "continued", "continues", "countered",
    "cried", "declared", "declares", "declaring", "denied", "denies", "described", "describes",
    "disagreed", "emailed", "emphasised", "emphasized", "emphasizes", "emphasizing", "estimated",
    "exclaimed", "explained", "explaining", "explains", "found", "indicated", "indicates",
    "informed", "insisted", "insisting", "insists", "joked", "lamented", "maintained", "maintains",
    "messaged", "mused", "noted", "notes", "noting", "objected", "observed", "opined", "pointed",
    "posted", "predicted", "promised", "put", "quipped", "read", "reads", "reaffirmed", "reasoned",
    "recalled", "recalling", "recalls", "recounted", "reiterated", "remarked", "replied",
    "replies", "reported", "reports", "responded", "responds", "retorted", "revealed", "ruled",
    "said", "say", "saying", "says", "shouted", "snapped", "speculated", "stated", "states",
    "stating", "stressed", "stresses", "stressing", "suggested", "suggests", "summed", "surmised",
    "telling", "tells", "testified", "texted", "thundered", "told", "tweeted", "tweets", "urged",
    "urges", "vowed", "warned", "warning", "warns", "went", "whispered", "writes", "writing",
    "wrote", "yelled",
    # manner of speaking
    "barked", "beamed", "chided", "chimed", "fumed", "groaned", "gushed", "interjected",
    "marveled", "marvelled", "pleaded", "protested", "puts", "scoffed", "sighed", "teased",
    "retaliated", "shot", "fired", "hit", "pushed", "proclaimed", "asserted", "bragged",
    "griped", "exulted", "tweeting", "repeated", "demanded", "wondered", "pressed", "queried", "inquired",
    "reminded", "cracked", "ventured", "boomed"
}
# fmt: on
# fmt: off
PARTICIPLES = {
    "adding", "arguing", "asking", "claiming", "declaring", "emphasizing", "explaining",
    "insisting", "noting", "recalling", "saying", "stating", "stressing", "telling", "warning",
    "writing", "tweeting"
}
# fmt: on
# verbs of saying VERBS does not list (plain forms after "they", "critics")
MORE_VERBS = {
    "argue", "insist", "contend", "suggest", "warn", "acknowledge", "predict", "maintain",
    "assert", "asserted", "asserts", "allege", "alleged", "concede", "confirm", "emphasize",
    "stress", "recall", "mentioned", "declare", "admit", "claim",
}
# participles of saying PARTICIPLES does not list: ", suggesting that ..."
MORE_PARTICIPLES = {
    "suggesting", "asserting", "acknowledging", "announcing", "predicting", "contending",
    "maintaining", "confirming", "admitting", "reporting", "vowing", "promising", "alleging",
    "conceding",
}
