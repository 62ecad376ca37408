package dev.rill.ops.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import dev.rill.bus.ConfigException;

/**
 * The admin channel's bearer token and the file it lives in.
 *
 * <p>The server calls {@link #loadOrCreate(Path)} at start: a missing file is created with a new
 * token (32 bytes from {@link SecureRandom}, as 64 hex digits) readable by the server's user only
 * (0600). On a file system without POSIX permissions (Windows) the file gets the directory's
 * default access rights and a warning says to restrict it by hand. An existing file is reused, so
 * the token survives restarts; it is refused when empty, when it holds a character a header cannot
 * carry or is shorter than 32 characters, or when any user may read it (mode o+r), and a warning
 * names a file its group may read.
 * The {@code rill model} commands call {@link #read(Path)}, which does the same checks but never
 * creates the file.
 *
 * <p>The token is never printed: {@link #toString()} names the file only, and nothing here logs
 * the value. Immutable; any thread.
 */
public final class AdminToken
{
    private static final System.Logger LOG = System.getLogger(AdminToken.class.getName());
    private static final int TOKEN_BYTES = 32;
    private static final int MIN_TOKEN_LENGTH = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final byte[] value;

    private AdminToken(final Path file, final byte[] value)
    {
        this.file = file;
        this.value = value;
    }

    /**
     * Reads the token file, creating it with a new token (mode 0600) when it does not exist.
     *
     * @throws ConfigException when the file cannot be read or written, or is refused (see the class comment).
     */
    public static AdminToken loadOrCreate(final Path file)
    {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            create(file);
        }
        return read(file);
    }

    /**
     * Reads an existing token file.
     *
     * @throws ConfigException when the file is missing, unreadable or refused; the message says what to do.
     */
    public static AdminToken read(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException e)
        {
            throw new ConfigException("admin token file " + file + " does not exist: the server creates it when it starts " +
                "(admin.tokenFile, default <dataDir>/admin.token); start `rill serve`, or pass --token-file or --config of the " +
                "running server");
        }
        catch (final AccessDeniedException e)
        {
            throw new ConfigException("cannot read the admin token file " + file + ": permission denied; run as the user that " +
                "runs the server, or pass --token-file with a copy readable by you only");
        }
        catch (final IOException e)
        {
            throw new ConfigException("cannot read the admin token file " + file + ": " + e.getMessage());
        }
        final String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty())
        {
            throw new ConfigException("admin token file " + file + " is empty; delete it and restart the server to have a new " +
                "token written, or write one line of at least " + MIN_TOKEN_LENGTH + " characters into it");
        }
        if (text.length() < MIN_TOKEN_LENGTH)
        {
            throw new ConfigException("admin token file " + file + " holds a token of " + text.length() + " characters, " +
                "fewer than " + MIN_TOKEN_LENGTH + "; delete it and restart the server to have a new token written");
        }
        if (!text.chars().allMatch(c -> c > 32 && c < 127))
        {
            throw new ConfigException("admin token file " + file + " holds characters other than printable ASCII without " +
                "spaces (a token is sent in an HTTP header); delete it and restart the server to have a new token written");
        }
        checkPermissions(file);
        return new AdminToken(file, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the file the token was read from. */
    public Path file()
    {
        return file;
    }

    /**
     * @param presented the token a request carries.
     * @return true when it equals this token; the comparison takes the same time wherever they differ.
     */
    public boolean matches(final byte[] presented)
    {
        return MessageDigest.isEqual(value, presented);
    }

    /** @return the token, for the client's Authorization header only. */
    String value()
    {
        return new String(value, StandardCharsets.US_ASCII);
    }

    /** @return the file's name, never the token. */
    @Override
    public String toString()
    {
        return "AdminToken[" + file + "]";
    }

    private static void create(final Path file)
    {
        final byte[] random = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(random);
        final byte[] text = (HexFormat.of().formatHex(random) + "\n").getBytes(StandardCharsets.US_ASCII);
        final Path dir = file.toAbsolutePath().getParent();
        final boolean posix = isPosix(dir);
        Path temp = null;
        try
        {
            Files.createDirectories(dir);
            // Written under a temporary name created with 0600 (never readable by others, not even
            // for a moment), then renamed, so a reader sees either no file or the whole token.
            final FileAttribute<?>[] attributes = posix ?
                new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
            temp = Files.createTempFile(dir, ".admin-token-", ".tmp", attributes);
            Files.write(temp, text);
            try
            {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final FileAlreadyExistsException e)
            {
                Files.deleteIfExists(temp);
            }
            temp = null;
        }
        catch (final IOException e)
        {
            throw new ConfigException("cannot create the admin token file " + file + ": " + e.getMessage() +
                "; check that the directory exists and is writable, or set admin.tokenFile");
        }
        finally
        {
            if (temp != null)
            {
                try
                {
                    Files.deleteIfExists(temp);
                }
                catch (final IOException ignored)
                {
                    // The creation failure above is what the operator needs to read.
                }
            }
        }
        LOG.log(System.Logger.Level.INFO, "admin channel: created a new token in " + file.toAbsolutePath() +
            (posix ? " (mode 0600)" : ""));
        if (!posix)
        {
            LOG.log(System.Logger.Level.WARNING, "admin channel: " + file.toAbsolutePath() + " is on a file system without " +
                "POSIX permissions: restrict its access to the user that runs the server by hand");
        }
    }

    private static void checkPermissions(final Path file)
    {
        final PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null)
        {
            return;
        }
        final Set<PosixFilePermission> permissions;
        try
        {
            permissions = view.readAttributes().permissions();
        }
        catch (final IOException e)
        {
            throw new ConfigException("cannot read the permissions of the admin token file " + file + ": " + e.getMessage());
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ))
        {
            throw new ConfigException("admin token file " + file + " is readable by every user (mode " +
                PosixFilePermissions.toString(permissions) + "): anyone on this machine could take over the model; run " +
                "`chmod 600 " + file + "`, or delete it and restart the server to have a new token written");
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ))
        {
            LOG.log(System.Logger.Level.WARNING, "admin channel: token file " + file + " is readable by its group (mode " +
                PosixFilePermissions.toString(permissions) + "); every member may deploy models; `chmod 600` it unless meant");
        }
    }

    private static boolean isPosix(final Path dir)
    {
        Path existing = dir;
        while (existing != null && !Files.exists(existing))
        {
            existing = existing.getParent();
        }
        return existing == null ? dir.getFileSystem().supportedFileAttributeViews().contains("posix") :
            Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
    }
}
