using GenieHive.Fuzz;

// bench/fuzz.sh runs this: `afl <target>` under afl-fuzz (SharpFuzz), or `mutate <target> <corpus> <seconds> <out>`,
// the bounded in-process mutation driver, where AFL++ cannot run. `list` names the targets.
return args switch
{
    ["list"] => FuzzCommands.List(),
    ["afl", var target] => FuzzCommands.Afl(target),
    ["run", var target, var file] => FuzzCommands.RunOne(target, file),
    ["mutate", var target, var corpus, var seconds, var output] => FuzzCommands.Mutate(target, corpus, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), output),
    _ => FuzzCommands.Usage(),
};
