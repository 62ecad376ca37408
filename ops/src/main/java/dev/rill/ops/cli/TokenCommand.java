package dev.rill.ops.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import dev.rill.gateway.auth.TokenHash;
import dev.rill.ops.security.TokensFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rill token new}: a new gateway token and the tokens-file entry of its hash. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Tokens of the gateway (gateway.auth).",
        "Revoke a token: delete its hash from the tokens file; the server reloads the file within a second and refuses the token " +
            "at its next Hello. Rotate: add a new token's hash beside the old one, move the clients, then delete the old hash."},
    subcommands = {TokenCommand.New.class})
final class TokenCommand
{
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    @Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Make a random 256-bit token for a principal. Prints the token once (standard output, first line), " +
            "then the tokens-file entry holding only its SHA-256 hash. Nothing is written to disk."})
    static final class New implements Callable<Integer>
    {
        @Option(names = "--principal", required = true, paramLabel = "NAME", description = "Who the token is for (shown in logs and refusals)")
        String principal;

        @Option(names = "--produce", split = ",", paramLabel = "TOPIC", description = "Topics it may send events to; * for all")
        List<String> produce = List.of();

        @Option(names = "--subscribe", split = ",", paramLabel = "TOPIC", description = "Topics it may subscribe to; * for all")
        List<String> subscribe = List.of();

        @Option(names = "--admin", description = "Its token is also accepted on the admin channel (model deploy, shadow, rollback)")
        boolean admin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            if (!NAME.matcher(principal).matches())
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--principal '" + principal +
                    "' must be 1 to 64 of A-Z a-z 0-9 . _ @ - (starting with a letter or digit)");
            }
            final String token = TokenHash.newToken();
            final String hash = TokenHash.hash(token);
            final PrintWriter out = spec.commandLine().getOut();
            out.println(token);
            out.println("# ^ the token of '" + principal + "': shown this once, never stored by the server; hand it to the client " +
                "as a secret (ClientConfig.withToken).");
            out.println("# A new principal: add these lines under 'principals:' in the tokens file (gateway.auth.tokensFile):");
            out.print(TokensFile.entry(principal, hash, produce, subscribe, admin));
            out.println("# Rotating an existing principal: add only its hash line under that principal's 'hashes:',");
            out.println("#   - " + hash);
            out.println("# move the clients to the new token, then delete the old hash. The server reloads the file within a second.");
            out.flush();
            return 0;
        }
    }
}
