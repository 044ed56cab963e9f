using System.CommandLine;
using GenieHive.Cli.Rendering;
using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Keys;

namespace GenieHive.Cli.Commands;

/// <summary>
/// <c>geniehive keys create NAME --scope S ... [--model GLOB ...] [--rpm N] [--tpm N] [--monthly-tokens N]</c>,
/// <c>keys list</c>, and <c>keys disable|enable|rotate|delete ID</c>: the admin API (needs a key with the admin scope).
/// </summary>
public static class KeysCommands
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var keys = new Command("keys", "Named client keys: their scopes, models and limits (admin scope).");
        keys.Subcommands.Add(CreateKey(global, console));
        keys.Subcommands.Add(List(global, console));
        keys.Subcommands.Add(Change(global, console, "disable", "Stops a key working on every facade (within seconds); it can be enabled again.",
            static (api, id, ct) => api.DisableKeyAsync(id, ct)));
        keys.Subcommands.Add(Change(global, console, "enable", "Lets a disabled key work again.",
            static (api, id, ct) => api.EnableKeyAsync(id, ct)));
        keys.Subcommands.Add(Change(global, console, "rotate", "Gives a key a new secret (printed once); the old one stops working.",
            static (api, id, ct) => api.RotateKeyAsync(id, ct)));
        keys.Subcommands.Add(Change(global, console, "delete", "Deletes a key for good (its audit records stay).",
            static (api, id, ct) => api.DeleteKeyAsync(id, ct)));
        return keys;
    }

    private static Command CreateKey(GlobalOptions global, CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "Who the key is for (an application, a person)." };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A scope: " + string.Join(", ", KeyScopes.Names) + " (repeat for several).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var models = new Option<string[]>("--model") { Description = "A model glob the key may use (repeat; default every model).", AllowMultipleArgumentsPerToken = true };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute (per facade)." };
        var tpm = new Option<long?>("--tpm") { Description = "Tokens per minute (per facade)." };
        var monthly = new Option<long?>("--monthly-tokens") { Description = "Tokens per calendar month (UTC), across every facade." };
        var command = new Command("create", "Creates a key and prints it once: store it now, it cannot be shown again.")
        {
            name, scopes, models, rpm, tpm, monthly,
        };
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var request = new KeyCreateRequest
            {
                Name = parsed.GetValue(name),
                Scopes = [.. parsed.GetValue(scopes) ?? []],
                Models = [.. parsed.GetValue(models) ?? []],
                RequestsPerMinute = parsed.GetValue(rpm),
                TokensPerMinute = parsed.GetValue(tpm),
                MonthlyTokenLimit = parsed.GetValue(monthly),
            };
            var created = await connection.CallAdminAsync((api, ct) => api.CreateKeyAsync(request, ct), cancellationToken);
            WriteSecret(console.Out, created);
            return CliApplication.Success;
        });
        return command;
    }

    private static Command List(GlobalOptions global, CliConsole console)
    {
        var command = new Command("list", "Every named key (never their secrets).");
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var keys = await connection.CallAdminAsync((api, ct) => api.ListKeysAsync(ct), cancellationToken);
            var table = new TextTable("ID", "NAME", "SCOPES", "MODELS", "RPM", "TPM", "MONTHLY", "USED", "ENABLED")
                .AlignRight("RPM", "TPM", "MONTHLY", "USED");
            foreach (var key in keys.Data)
            {
                table.Add(key.Id, key.Name, string.Join(",", key.Scopes), key.Models.Count == 0 ? "*" : string.Join(",", key.Models),
                    Show.Integer(key.RequestsPerMinute), Show.Integer(key.TokensPerMinute), Show.Integer(key.MonthlyTokenLimit),
                    Show.Integer(key.MonthlyTokensUsed), Show.Flag(key.Enabled));
            }

            if (table.RowCount == 0)
            {
                console.Out.WriteLine("No named keys.");
            }
            else
            {
                table.WriteTo(console.Out);
            }

            return CliApplication.Success;
        });
        return command;
    }

    private static Command Change(
        GlobalOptions global, CliConsole console, string verb, string description,
        Func<Contracts.Api.IKeyAdminApi, string, CancellationToken, Task<Refit.IApiResponse<KeyView>>> call)
    {
        var id = new Argument<string>("id") { Description = "The key's id (geniehive keys list)." };
        var command = new Command(verb, description) { id };
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var keyId = parsed.GetValue(id)!;
            var key = await connection.CallAdminAsync((api, ct) => call(api, keyId, ct), cancellationToken);
            if (key.Key is not null)
            {
                WriteSecret(console.Out, key);
            }
            else
            {
                console.Out.WriteLine($"Key {key.Id} ({key.Name}): {verb}d; enabled {Show.Flag(key.Enabled)}.");
            }

            return CliApplication.Success;
        });
        return command;
    }

    private static void WriteSecret(TextWriter output, KeyView key)
    {
        output.WriteLine($"Key {key.Id} ({key.Name}), scopes {string.Join(", ", key.Scopes)}:");
        output.WriteLine(key.Key);
        output.WriteLine("This is the only time the key is shown; store it now.");
    }
}
