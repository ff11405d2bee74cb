using System.Text.Json;
using Segur.Audit;

namespace Segur.Core.Tests;

public class JsonLinesAuditTrailTests
{
    [Fact]
    public async Task WriteAsync_AppendsOneUtcJsonLinePerRecord()
    {
        var path = Path.Combine(Path.GetTempPath(), "segur-audit-" + Guid.NewGuid().ToString("N"), "audit.jsonl");
        var trail = new JsonLinesAuditTrail(path);
        var local = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.FromHours(1));
        await trail.WriteAsync(new AuditRecord { Timestamp = local, Actor = "810001234567", Action = "dmp.feed", Target = "doc-1", Outcome = "success" });
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => trail.WriteAsync(new AuditRecord { Timestamp = local, Actor = "a", Action = "x" + i, Outcome = "failure", ErrorCode = "SGR-4001" }).AsTask()));
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(21, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("2026-03-01T09:00:00+00:00", first.RootElement.GetProperty("timestamp").GetString());
        Assert.Equal("dmp.feed", first.RootElement.GetProperty("action").GetString());
        Assert.False(first.RootElement.TryGetProperty("errorCode", out _));
    }

    [Fact]
    public async Task WriteAsync_UnwritablePath_ThrowsSegurException()
    {
        var blocker = Path.GetTempFileName(); // a file where a folder is expected
        var trail = new JsonLinesAuditTrail(Path.Combine(blocker, "audit.jsonl"));
        var ex = await Assert.ThrowsAsync<SegurException>(() => trail.WriteAsync(new AuditRecord { Timestamp = default, Actor = "a", Action = "b", Outcome = "c" }).AsTask());
        Assert.Equal(CoreErrorCodes.AuditWriteFailed, ex.ErrorCode);
    }
}
