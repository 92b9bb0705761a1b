"""The parser on the first user's note, card by card, and on notes in other styles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.notes.card import Card, card_id
from study.notes.notetext import clean_code, clean_title, is_junk
from study.notes.parser import ParsedNote, parse_text
from tests.support import DECKS, FIXTURES, REPO

DOCKER = (DECKS / "docker.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def docker() -> ParsedNote:
    return parse_text(DOCKER, source="decks/docker.md")


def of_kind(note: ParsedNote, kind: str) -> list[Card]:
    return [card for card in note.cards if card.kind == kind]


def pairs(note: ParsedNote, kind: str) -> list[tuple[str, str]]:
    return [(card.front, card.back) for card in of_kind(note, kind)]


# --- decks/docker.md ----------------------------------------------------------------------

DOCKER_CONCEPTS = [
    (
        "Docker Image — What it is",
        "A **Docker Image** is a **read-only template** used to create containers. It includes "
        "everything needed to run an application:\n\n- Code or binaries\n- Runtime (e.g., "
        "Python, Node.js)\n- Libraries and dependencies\n- File system snapshot\n- Environment "
        "variables\n\nThink of an image as a _blueprint_ for containers.",
    ),
    (
        "Docker Image — Characteristics",
        "- Immutable: Once built, cannot be changed.\n- Layered: Built in layers using a "
        "`Dockerfile`, where each command (like `RUN`, `COPY`, `ENV`) creates a new image "
        "layer.\n- Stored in registries (e.g., Docker Hub, GitHub Container Registry, private "
        "registries).",
    ),
    (
        "Docker Container — What it is",
        "A **Container** is a **runtime instance** of an image — a running process isolated "
        "from the host and other containers.",
    ),
    (
        "Docker Container — Analogy",
        "If an image is the class in programming, a container is the instantiated object.",
    ),
    (
        "Docker Container — Characteristics",
        "- Mutable: You can write to its file system during runtime (though changes are lost "
        "unless persisted).\n- Ephemeral: Typically designed to be stopped and replaced, not "
        "modified.\n- Isolated: Has its own network, filesystem, and process space.",
    ),
    (
        "Docker Build — What it is",
        "A **Build** is the process of **creating a Docker image** from a `Dockerfile`.",
    ),
    (
        "Docker Build — How it works",
        "Docker reads the `Dockerfile` line-by-line and executes the instructions to build an "
        "image in layers.",
    ),
    (
        "Docker Volume — What it is",
        "A **Volume** is a **persistent storage mechanism** used by containers to store data "
        "**outside the container’s lifecycle**.",
    ),
    (
        "Docker Volume — Purpose",
        "- Preserve data across container restarts and rebuilds.\n- Share data between "
        "containers.\n- Prevent loss of data when the container is removed.",
    ),
    (
        "Docker Volume — Characteristics",
        "- Managed by Docker.\n- Stored in the host filesystem but abstracted from containers."
        "\n- Can be declared in `docker-compose.yml` or CLI.",
    ),
]

DOCKER_EXAMPLES = [
    ("docker pull python:3.11", "This downloads an image of Python 3.11 from Docker Hub."),
    (
        "docker run -it python:3.11 bash",
        "This creates and runs a container from the `python:3.11` image and gives you an "
        "interactive shell.",
    ),
    (
        "docker build -t my-python-app .",
        "This builds an image named `my-python-app` based on the current directory (`.`).",
    ),
    (
        "docker volume create mydata\ndocker run -v mydata:/data myimage",
        "This mounts the volume `mydata` into the container at `/data`.",
    ),
]

DOCKERFILE = (
    "```dockerfile\nFROM python:3.11\nWORKDIR /app\nCOPY requirements.txt .\n"
    'RUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n```'
)

THINGS = ["Image", "Container", "Build", "Volume"]
DOCKER_TABLE = {
    "Definition": [
        "Blueprint for containers",
        "Running instance of an image",
        "Process of creating an image",
        "Persistent data storage",
    ],
    "Mutable": [
        "❌ (Read-only)",
        "✅ (Ephemeral and runtime-writable)",
        "❌ (One-time operation)",
        "✅ (Persists across containers)",
    ],
    "Lifecycle": [
        "Static",
        "Dynamic and temporary",
        "One-time or repeated process",
        "Independent and long-lived",
    ],
    "Use case": ["App template", "App runtime", "Image creation", "Store user data / DB / logs"],
    "Analogy": ["Class", "Object", "Compiler step", "External hard drive"],
}

DOCKER_SUMMARY = [
    ("Image", "Recipe (immutable, built from Dockerfile)"),
    ("Build", "Process of making the recipe into a finished image"),
    ("Container", "The running application (created from an image)"),
    ("Volume", "Persistent storage used by containers to keep data safe and reusable"),
]

DOCKER_COMMANDS = [
    ("docker version", "Exibe a versão do Docker (cliente e servidor)."),
    ("docker info", "Mostra informações detalhadas sobre a instalação do Docker."),
    ("docker help", "Lista de comandos disponíveis ou ajuda sobre um comando específico."),
    ("docker pull <imagem>", "Baixa uma imagem do Docker Hub."),
    (
        "docker build -t <nome-da-imagem> .",
        "Cria uma imagem a partir de um `Dockerfile`.\n\n"
        "Cria imagem com base no `Dockerfile` no diretório atual.",
    ),
    ("docker images", "Lista todas as imagens locais."),
    ("docker rmi <imagem>", "Remove uma imagem."),
    ("docker run <imagem>", "Roda um container baseado em uma imagem."),
    ("docker run -it <imagem> bash", "Roda um container interativo com bash."),
    ("docker run -d <imagem>", "Roda o container em segundo plano (detached mode)."),
    ("docker ps", "Lista containers em execução."),
    ("docker ps -a", "Lista todos os containers (inclusive os parados)."),
    ("docker start <id/nome>", "Inicia um container parado."),
    ("docker stop <id/nome>", "Para um container em execução."),
    ("docker restart <id/nome>", "Reinicia um container."),
    ("docker rm <id/nome>", "Remove um container parado."),
    ("docker exec -it <id/nome> bash", "Acessa o shell de um container em execução."),
    ("docker volume create <nome>", "Cria um volume."),
    ("docker volume ls", "Lista volumes."),
    ("docker volume rm <nome>", "Remove um volume."),
    ("docker run -v <volume>:/caminho/dentro/do/container <imagem>", "Usa um volume no container."),
    ("docker history <imagem>", "Mostra o histórico de camadas da imagem."),
    ("docker network ls", "Lista redes."),
    ("docker network create <nome>", "Cria uma nova rede."),
    ("docker run --network=<rede> <imagem>", "Conecta container a uma rede específica."),
    (
        "docker system prune",
        "Remove tudo que não está sendo usado (containers, volumes, imagens, redes).",
    ),
    ("docker container prune", "Remove containers parados."),
    ("docker image prune", "Remove imagens não utilizadas."),
]


def test_docker_concept_sections_one_card_each(docker: ParsedNote) -> None:
    assert pairs(docker, "concept") == DOCKER_CONCEPTS
    what_it_is = of_kind(docker, "concept")[0]
    assert what_it_is.path == ("Docker Image", "What it is")
    assert what_it_is.section == "Docker Image > What it is"
    assert what_it_is.line == 13


def test_docker_examples_and_the_unexplained_dockerfile(docker: ParsedNote) -> None:
    assert pairs(docker, "example") == DOCKER_EXAMPLES
    assert [card.line for card in of_kind(docker, "example")] == [33, 61, 98, 129]
    assert pairs(docker, "code") == [("Docker Build — Typical Dockerfile", DOCKERFILE)]


def test_docker_table_every_cell_and_its_reverse(docker: ParsedNote) -> None:
    expected = [
        (f"{thing} — {row}", value)
        for row, values in DOCKER_TABLE.items()
        for thing, value in zip(THINGS, values, strict=True)
    ]
    reverse = [
        (f"{row}: {value}", thing)
        for row, values in DOCKER_TABLE.items()
        for thing, value in zip(THINGS, values, strict=True)
    ]
    assert pairs(docker, "table") == expected
    assert pairs(docker, "table-reverse") == reverse
    assert ("Container — Mutable", "✅ (Ephemeral and runtime-writable)") in expected
    assert ("Use case: App runtime", "Container") in reverse
    for card, back in zip(of_kind(docker, "table"), of_kind(docker, "table-reverse"), strict=True):
        assert card.note == back.note == card.id != back.id
        assert card.section == "Comparison Table"


def test_docker_summary_lines(docker: ParsedNote) -> None:
    assert pairs(docker, "summary") == DOCKER_SUMMARY
    assert [card.line for card in of_kind(docker, "summary")] == [155, 156, 157, 158]


def test_docker_28_commands_both_ways(docker: ParsedNote) -> None:
    assert pairs(docker, "command") == DOCKER_COMMANDS
    assert pairs(docker, "command-reverse") == [(back, front) for front, back in DOCKER_COMMANDS]
    forward = {card.front: card for card in of_kind(docker, "command")}
    for card in of_kind(docker, "command-reverse"):
        assert card.note == forward[card.back].id == forward[card.back].note
    assert forward["docker version"].line == 166
    assert forward["docker version"].path == ("Comandos Gerais",)
    assert forward["docker image prune"].path == ("Limpeza e Manutenção",)
    assert forward["docker ps"].id == card_id("Docker", "command", (), "docker ps")


def test_docker_repeated_command_is_one_card_and_reported(docker: ParsedNote) -> None:
    builds = [c for c in docker.cards if "docker build -t <nome-da-imagem> ." in (c.front, c.back)]
    assert [card.kind for card in builds] == ["command", "command-reverse"]
    assert builds[0].line == 187
    assert docker.merged == [
        "decks/docker.md:270: `docker build -t <nome-da-imagem> .` is listed again "
        "(first at line 187); merged into one card"
    ]


def test_docker_whole_deck(docker: ParsedNote) -> None:
    assert Counter(card.kind for card in docker.cards) == {
        "concept": 10,
        "example": 4,
        "code": 1,
        "table": 20,
        "table-reverse": 20,
        "summary": 4,
        "command": 28,
        "command-reverse": 28,
    }
    assert len({card.id for card in docker.cards}) == len(docker.cards) == 115


@pytest.mark.parametrize(
    "junk",
    ["CopiarEditar", "Would you like", "diagram", "4o", "---", "computer_science", "[["],
)
def test_docker_no_junk_in_any_card(docker: ParsedNote, junk: str) -> None:
    for card in docker.cards:
        assert junk not in card.front and junk not in card.back, card


def test_docker_no_chat_labels_inside_code(docker: ParsedNote) -> None:
    for card in of_kind(docker, "example"):
        assert not card.front.startswith(("bash", "\n")), card.front


def test_docker_metadata(docker: ParsedNote) -> None:
    assert docker.deck == "Docker"
    assert docker.tags == ("computer_science", "containers", "api", "images", "backend")
    assert docker.related == ("Pushing to Docker", "Docker - Remapping a Port")
    for card in docker.cards:
        assert card.deck == "Docker"
        assert card.source == "decks/docker.md"
        assert card.tags == docker.tags
        assert card.related == docker.related
        assert 1 <= card.line <= DOCKER.count("\n") + 1


def test_docker_ids_are_stable_and_ignore_answers(docker: ParsedNote) -> None:
    again = parse_text(DOCKER, source="decks/docker.md")
    assert [c.id for c in again.cards] == [c.id for c in docker.cards]
    edited = DOCKER.replace("Lista redes.", "Lista as redes do Docker.").replace(
        "Blueprint for containers", "Template for containers"
    )
    assert [c.id for c in parse_text(edited, "decks/docker.md").cards] == [
        c.id for c in docker.cards
    ]


def test_bundled_deck_matches_the_users_note() -> None:
    shared = REPO.parent / "shared" / "notes" / "docker.md"
    if not shared.exists():
        pytest.skip(
            f"needs the first user's note beside the checkout ({shared.name} in shared/notes)"
        )
    assert shared.read_bytes() == (DECKS / "docker.md").read_bytes()


# --- other notes, other languages -------------------------------------------------------

PORTUGUESE = """\
# Git

## 🌿 1. **Branch**

### 📌 O que é:

Uma **branch** é uma linha independente de desenvolvimento.

### ⚙️ Características

- Leve: criar uma branch é barato.
- Isolada

### 🔧 Como funciona?

O Git guarda um ponteiro para um commit.

### 📋 Exemplo:

```bash
bash
Copiar código
git switch -c nova-feature
```

Isso cria a branch `nova-feature` e muda para ela.

## Comandos

1. `git status` — mostra o estado da árvore
2. `git add <arquivo>` – adiciona ao índice
3. `git commit -m "msg"` - grava um commit
4. `git log`: lista os commits
5. **`git diff`** — mostra as diferenças

Quer que eu monte um resumo visual?
"""


def test_portuguese_note_with_h1_numbered_list_and_same_line_descriptions() -> None:
    note = parse_text(PORTUGUESE, source="notas/git.md")
    assert note.deck == "Git"
    assert pairs(note, "concept") == [
        ("Branch — O que é", "Uma **branch** é uma linha independente de desenvolvimento."),
        ("Branch — Características", "- Leve: criar uma branch é barato.\n- Isolada"),
        ("Branch — Como funciona?", "O Git guarda um ponteiro para um commit."),
    ]
    assert pairs(note, "example") == [
        ("git switch -c nova-feature", "Isso cria a branch `nova-feature` e muda para ela.")
    ]
    assert pairs(note, "command") == [
        ("git status", "mostra o estado da árvore"),
        ("git add <arquivo>", "adiciona ao índice"),
        ('git commit -m "msg"', "grava um commit"),
        ("git log", "lista os commits"),
        ("git diff", "mostra as diferenças"),
    ]
    assert len(of_kind(note, "command-reverse")) == 5
    assert len(note.cards) == 14
    assert of_kind(note, "concept")[0].path == ("Branch", "O que é")


SPANISH = """\
---
deck: Redes
tags: [networking, "#tcp"]
---

# Apuntes de redes

## 🌐 Protocolos

### ¿Qué es?

Un protocolo es un conjunto de reglas. Ver [[Modelo OSI|el modelo OSI]]. #capas

### Ventajas:

- Interoperabilidad
- Estandarización

## Comparación

| Característica | TCP | UDP |
|:--|:-:|--:|
| Conexión | Sí | No |
| Orden | Garantizado |
| Uso \\| ejemplo | Web | DNS \\| VoIP | extra |
| Fiabilidad | | Baja |

## Comandos de red

- `ping <host>`

    Comprueba si un host responde.

- `ss -tlnp` — muestra los puertos en escucha

## Glosario

- **Latencia** = tiempo de ida
- Ancho de banda: capacidad del enlace

¿Quieres que te prepare un diagrama?

4o
"""


def test_spanish_note_with_front_matter_ragged_table_and_wikilinks() -> None:
    note = parse_text(SPANISH, source="apuntes/redes.md")
    assert note.deck == "Redes"
    assert note.tags == ("networking", "tcp", "capas")
    assert note.related == ("Modelo OSI",)
    assert pairs(note, "concept") == [
        (
            "Protocolos — ¿Qué es?",
            "Un protocolo es un conjunto de reglas. Ver el modelo OSI. #capas",
        ),
        ("Protocolos — Ventajas", "- Interoperabilidad\n- Estandarización"),
    ]
    assert pairs(note, "table") == [
        ("TCP — Conexión", "Sí"),
        ("UDP — Conexión", "No"),
        ("TCP — Orden", "Garantizado"),
        ("TCP — Uso | ejemplo", "Web"),
        ("UDP — Uso | ejemplo", "DNS | VoIP"),
        ("UDP — Fiabilidad", "Baja"),
    ]
    # "Sí" and "No" name nothing: no reverse card asks "Conexión: Sí".
    assert pairs(note, "table-reverse") == [
        ("Orden: Garantizado", "TCP"),
        ("Uso | ejemplo: Web", "TCP"),
        ("Uso | ejemplo: DNS | VoIP", "UDP"),
        ("Fiabilidad: Baja", "UDP"),
    ]
    assert pairs(note, "command") == [
        ("ping <host>", "Comprueba si un host responde."),
        ("ss -tlnp", "muestra los puertos en escucha"),
    ]
    assert pairs(note, "summary") == [
        ("Latencia", "tiempo de ida"),
        ("Ancho de banda", "capacidad del enlace"),
    ]
    assert len(note.cards) == 2 + 10 + 4 + 2
    assert all(card.tags == ("networking", "tcp", "capas") for card in note.cards)


KUBERNETES = """\
# ☸️ Kubernetes

Kubernetes orchestrates containers. Below is an overview:

## 1. Pods

### What is it?

A **Pod** is the smallest deployable unit.

### Pros

- Co-located containers
- Shared network

#### Sidecars

A sidecar runs next to the main container.

### Example

```yaml
apiVersion: v1
kind: Pod
```

## Key Terms

- **Node**: a worker machine
- **Cluster**: a set of nodes
- Namespace — a virtual cluster

## Useful commands

| Command | What it does |
|---|---|
| `kubectl get pods` | Lists pods |
| `kubectl apply -f x.yaml` | Applies a manifest |

Let me know if you want a cheat sheet!
"""


def test_english_note_nested_headings_terms_and_a_command_table() -> None:
    note = parse_text(KUBERNETES, source="k8s.md")
    assert note.deck == "Kubernetes"
    assert [(card.kind, card.front, card.back) for card in note.cards] == [
        ("concept", "Pods — What is it?", "A **Pod** is the smallest deployable unit."),
        ("concept", "Pods — Pros", "- Co-located containers\n- Shared network"),
        ("concept", "Pros — Sidecars", "A sidecar runs next to the main container."),
        ("code", "Pods — Example", "```yaml\napiVersion: v1\nkind: Pod\n```"),
        ("summary", "Node", "a worker machine"),
        ("summary", "Cluster", "a set of nodes"),
        ("summary", "Namespace", "a virtual cluster"),
        ("command", "kubectl get pods", "Lists pods"),
        ("command-reverse", "Lists pods", "kubectl get pods"),
        ("command", "kubectl apply -f x.yaml", "Applies a manifest"),
        ("command-reverse", "Applies a manifest", "kubectl apply -f x.yaml"),
    ]
    assert note.cards[2].path == ("Pods", "Pros", "Sidecars")
    assert note.cards[2].line == 16


def test_table_with_named_rows_reverses_to_the_row() -> None:
    note = parse_text(
        "## Tools\n\n| Tool | Language | License |\n|---|---|---|\n"
        "| Django | Python | BSD |\n| Rails | Ruby | MIT |\n| Flask | Python |\n",
        source="web.md",
    )
    assert pairs(note, "table") == [
        ("Django — Language", "Python"),
        ("Django — License", "BSD"),
        ("Rails — Language", "Ruby"),
        ("Rails — License", "MIT"),
        ("Flask — Language", "Python"),
    ]
    # "Python" is two tools' language: a reverse card would have two answers, so none.
    assert pairs(note, "table-reverse") == [
        ("License: BSD", "Django"),
        ("Language: Ruby", "Rails"),
        ("License: MIT", "Rails"),
    ]


# --- explicit cards -----------------------------------------------------------------------

EXPLICIT = """\
## Geography

Capital of France::Paris
Largest ocean:::Pacific

`std::vector` is code, not a card separator.

What are the three states
of water?
?
Solid, liquid
and gas.

Which planet is red
??
Mars

The answer is ==42== and {{c1::Douglas Adams}} wrote {{c2::it::what}}.

`docker run {{image}}` is a tldr placeholder, not a cloze.
"""


def test_explicit_cards() -> None:
    note = parse_text(EXPLICIT, source="geo.md")
    assert pairs(note, "basic") == [
        ("Capital of France", "Paris"),
        ("Largest ocean", "Pacific"),
        ("What are the three states\nof water?", "Solid, liquid\nand gas."),
        ("Which planet is red", "Mars"),
    ]
    assert pairs(note, "basic-reverse") == [
        ("Pacific", "Largest ocean"),
        ("Mars", "Which planet is red"),
    ]
    full = "The answer is 42 and Douglas Adams wrote it."
    assert pairs(note, "cloze") == [
        ("The answer is [...] and Douglas Adams wrote it.", full),
        ("The answer is 42 and [...] wrote it.", full),
        ("The answer is 42 and Douglas Adams wrote [what].", full),
    ]
    clozes = of_kind(note, "cloze")
    assert clozes[0].note == clozes[0].id
    assert [card.note for card in clozes] == [clozes[0].id] * 3  # one text: siblings
    assert len({card.id for card in clozes}) == 3
    assert [card.line for card in of_kind(note, "basic")] == [3, 4, 8, 14]
    basic = of_kind(note, "basic")
    reverse = of_kind(note, "basic-reverse")
    assert reverse[0].note == basic[1].id
    assert pairs(note, "concept") == [
        (
            "Geo — Geography",
            "`std::vector` is code, not a card separator.\n\n"
            "`docker run {{image}}` is a tldr placeholder, not a cloze.",
        )
    ]


def test_explicit_list_items_and_preamble() -> None:
    note = parse_text("- one::uno\n- two::dos\n\nthree:::tres\n", source="words.md")
    assert pairs(note, "basic") == [("one", "uno"), ("two", "dos"), ("three", "tres")]
    assert pairs(note, "basic-reverse") == [("tres", "three")]
    assert len(note.cards) == 4


# --- junk ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code", "language"),
    [
        ("bash\nCopiarEditar\ndocker ps\n", "docker ps", "bash"),
        ("\nbash\nCopy code\nls -la\n", "ls -la", "bash"),
        ("python\nCopiar código\nprint(1)\n", "print(1)", "python"),
        ("sh\nCopy\nEdit\necho hi\n", "echo hi", "sh"),
        ("Copy code\nmake\n", "make", ""),
        ("bash\ndocker ps\n", "bash\ndocker ps", ""),
    ],
)
def test_chat_copy_labels_leave_code(content: str, code: str, language: str) -> None:
    assert clean_code(content) == (code, language)


@pytest.mark.parametrize(
    "text",
    [
        "4o",
        "o3-mini",
        "GPT-4o",
        "Would you like a diagram of how these relate in a typical development cycle?",
        "Do you want me to turn this into a cheat sheet?",
        "Quer que eu faça um resumo em tabela?",
        "Você gostaria de um exemplo com Docker Compose?",
        "¿Quieres que te prepare un diagrama?",
        "¿Te gustaría ver un ejemplo?",
        "Let me know if you want more examples.",
        "🚀",
    ],
)
def test_chat_junk_paragraphs(text: str) -> None:
    assert is_junk(text)


@pytest.mark.parametrize(
    "text",
    [
        "If you want to persist data, use a volume.",
        "Would you like fries with that is a famous phrase.",
        "A container is a running process.",
    ],
)
def test_content_is_not_junk(text: str) -> None:
    assert not is_junk(text)


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("🐳 1. Docker **Image**", "Docker Image"),
        ("📌 What It Is:", "What It Is"),
        ("1️⃣ Pods", "Pods"),
        ("2) Services —", "Services —"),
        ("IV. Volumes", "Volumes"),
        ("🗂️ **Volumes e Persistência**", "Volumes e Persistência"),
        ("[[Docker|Docker notes]]: intro", "Docker notes: intro"),
    ],
)
def test_clean_title(title: str, clean: str) -> None:
    assert clean_title(title) == clean


def test_heading_titles_cleaned_through_markdown() -> None:
    note = parse_text("## 🐳 2. `kubectl` **Basics**:\n\n### 📦 Purpose:\n\nRun pods.\n", "k.md")
    assert pairs(note, "concept") == [("kubectl Basics — Purpose", "Run pods.")]


# --- deck, sections, examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "deck", "expected"),
    [
        ("---\ndeck: Front\n---\n# Title\n", None, "Front"),
        ("# 🐧 Linux **Basics**\n", None, "Linux Basics"),
        ("no heading\n", None, "My notes"),
        ("---\ndeck: Front\n---\n# Title\n", "Given", "Given"),
        ("---\n: [broken yaml\n---\n", None, "My notes"),
        ("---\ndate: 2024-02-30\ndeck: [a, b]\n---\n", None, "My notes"),
        ("---\ndeck: 2024\n---\n", None, "2024"),
    ],
)
def test_deck_name(text: str, deck: str | None, expected: str) -> None:
    assert parse_text(text, source="vault/my_notes.md", deck=deck).deck == expected


def test_deck_from_file_name() -> None:
    assert parse_text("", source="decks/docker.md").deck == "Docker"


def test_example_with_lead_in_and_code_inside_prose() -> None:
    note = parse_text(
        "# Shell\n\n## Listing\n\nTo list every file, hidden ones too:\n\n```sh\nls -la\n```\n\n"
        "## Loops\n\nA loop repeats a command.\n\n```sh\nfor f in *; do echo $f; done\n```\n",
        source="shell.md",
    )
    assert pairs(note, "example") == [("ls -la", "To list every file, hidden ones too")]
    assert pairs(note, "concept") == [
        ("Shell — Loops", "A loop repeats a command.\n\n```sh\nfor f in *; do echo $f; done\n```")
    ]


def test_command_described_in_the_item_before_its_code() -> None:
    note = parse_text(
        "## Git\n\n- Undo the last commit:\n  `git reset HEAD~1`\n- Show a file at a commit:\n\n"
        "  ```\n  git show <rev>:<path>\n  ```\n",
        source="git.md",
    )
    assert pairs(note, "command") == [
        ("git reset HEAD~1", "Undo the last commit"),
        ("git show <rev>:<path>", "Show a file at a commit"),
    ]


def test_headings_after_a_chat_break_start_afresh() -> None:
    note = parse_text(
        "## Summary\n\n- **A** = first\n\nWould you like more?\n\n### Commands\n\n- `ls` - list\n",
        source="x.md",
    )
    assert [card.path for card in note.cards] == [("Summary",), ("Commands",), ("Commands",)]


# --- tldr pages -----------------------------------------------------------------------------

SHARED_TLDR = REPO.parent / "shared" / "corpus" / "tldr"
TLDR_PAGES = sorted(
    page
    for root in (FIXTURES / "tldr", SHARED_TLDR)
    if root.is_dir()
    for page in root.rglob("*.md")
    if page.name != "README.md"
)


def test_tldr_fixtures_are_present() -> None:
    assert len([p for p in TLDR_PAGES if FIXTURES in p.parents]) == 6
    assert "CC-BY 4.0" in (FIXTURES / "tldr" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", TLDR_PAGES, ids=lambda p: "/".join(p.parts[-4:]))
def test_tldr_page_one_command_card_per_example(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    examples = [line for line in text.splitlines() if line.startswith("- ")]
    note = parse_text(text, source=str(page))
    assert len(of_kind(note, "command")) == len(examples) > 0
    assert len(of_kind(note, "command-reverse")) == len(examples)
    assert len(note.cards) == 2 * len(examples)
    assert [card.back for card in of_kind(note, "command")] == [
        line[2:].rstrip(":") for line in examples
    ]
    assert note.deck == text.splitlines()[0].removeprefix("# ")


def test_tldr_placeholders_stay_in_the_command() -> None:
    note = parse_text((FIXTURES / "tldr" / "en" / "docker-build.md").read_text(), "docker-build.md")
    assert of_kind(note, "command")[2].front == "docker build {{[-t|--tag]}} {{name:tag}} ."
    assert not of_kind(note, "cloze")


# --- property tests -------------------------------------------------------------------------

MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "# ", "## ", "### ", "- ", "1. ", "    ", "`", "```", "```bash\n", "|", "|---|",
            "::", ":::", "?", "==", "{{c1::", "}}", "**", "[[", "]]", "#tag", "---", "\n", "\n\n",
            "—", ": ", " = ", "CopiarEditar", "4o", "Would you like it?", "docker ps", "é", "🐳",
            "> ", "<!-- x -->", "\t", "\\|", "¿", "\r\n", "---\n", "deck: ", "tags: [",
            "date: 2024-02-30", "![](x.png)", "![[y.png]]", "??",
        ]
    )
    | st.text(max_size=8),
    max_size=60,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), MARKDOWNISH))
def test_any_text_parses_and_ids_repeat(text: str) -> None:
    first = parse_text(text, source="fuzz.md")
    second = parse_text(text, source="fuzz.md")
    assert [c.id for c in first.cards] == [c.id for c in second.cards]
    assert len({c.id for c in first.cards}) == len(first.cards)
    for card in first.cards:
        assert card.front.strip() and card.back.strip()
        assert card.line >= 1


def test_images_and_embeds_stay_in_answers_links_become_related() -> None:
    note = parse_text(
        "# Arch\n\n## Diagram\n\nThree tiers.\n\n![](arch.png)\n\n## Flow\n\n"
        "Requests go left to right. ![[flow.png]]\n\n[[Other note]]\n",
        source="arch.md",
    )
    assert pairs(note, "concept") == [
        ("Arch — Diagram", "Three tiers.\n\n![](arch.png)"),
        ("Arch — Flow", "Requests go left to right. ![[flow.png]]"),
    ]
    assert note.related == ("Other note",)
