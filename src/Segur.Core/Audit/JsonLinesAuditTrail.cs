using System.Text;
using System.Text.Json;

namespace Segur.Audit;

/// <summary>
/// Default <see cref="IAuditTrail"/>: appends one JSON object per line to a file, flushed to disk before
/// <see cref="WriteAsync"/> returns. Thread-safe within a process; several processes may append to the same
/// file (each line is written in one append).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle (only WaitAsync is used), so there is nothing to dispose.")]
public sealed class JsonLinesAuditTrail : IAuditTrail
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a trail that appends to <paramref name="path"/>; the folder is created if needed.</summary>
    /// <param name="path">The JSON-lines file.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public JsonLinesAuditTrail(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The file the trail appends to.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var line = JsonSerializer.Serialize(record with { Timestamp = record.Timestamp.ToUniversalTime() }, JsonOptions) + "\n";
        var bytes = Encoding.UTF8.GetBytes(line);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SegurException(CoreErrorCodes.AuditWriteFailed, $"The audit trail '{Path}' could not be written.", isTransient: true, innerException: ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}
