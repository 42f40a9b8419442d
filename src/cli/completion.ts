// `infra completion bash|zsh`: a completion script generated from the commander tree itself, so every command and
// flag added later completes without anyone editing a script. zsh runs the bash function through bashcompinit.
import type { Command } from 'commander';

function flags(command: Command): string[] {
  return [...command.options.filter((o) => !o.hidden).map((o) => o.long ?? o.short ?? ''), '--help'].filter(Boolean);
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const top = program.commands.map((c) => c.name());
  const cases = program.commands.flatMap((command) => {
    const subs = command.commands.map((s) => s.name());
    const own = subs.length
      ? [`    ${command.name()}) words="${subs.join(' ')}" ;;`]
      : [`    ${command.name()}) words="${flags(command).join(' ')}" ;;`];
    const nested = command.commands.map((s) => `    ${command.name()}/${s.name()}) words="${flags(s).join(' ')}" ;;`);
    return [...own, ...nested];
  });
  const bash = [
    '# infra completion: eval "$(infra completion bash)" in ~/.bashrc',
    '_infra() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" key="${COMP_WORDS[1]}" words',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=( $(compgen -W "${top.join(' ')} ${flags(program).join(' ')}" -- "$cur") )`,
    '    return',
    '  fi',
    '  if [ "$COMP_CWORD" -ge 3 ] || [[ "$cur" == -* ]]; then',
    '    case "${COMP_WORDS[2]}" in -*|"") ;; *) key="${COMP_WORDS[1]}/${COMP_WORDS[2]}" ;; esac',
    '  fi',
    '  case "$key" in',
    ...cases,
    '    *) words="" ;;',
    '  esac',
    '  COMPREPLY=( $(compgen -W "$words" -- "$cur") )',
    '}',
    'complete -o default -F _infra infra',
  ];
  if (shell === 'bash') return bash.join('\n') + '\n';
  return (
    [
      '# infra completion: eval "$(infra completion zsh)" in ~/.zshrc',
      'autoload -U +X bashcompinit && bashcompinit',
      ...bash.slice(1),
    ].join('\n') + '\n'
  );
}
