using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Segur.Psc;
using Segur.Testing.Psc;

namespace Segur.Psc.Tests;

internal static class TestSupport
{
    public static PscClientOptions Options(PscSimulator sim, TimeProvider? time = null, ILoggerFactory? logs = null) => new()
    {
        DiscoveryUrl = sim.DiscoveryUrl,
        ClientId = sim.ClientId,
        ClientSecret = sim.ClientSecret,
        AllowLoopbackHttp = true,
        CibaDefaultInterval = TimeSpan.FromMilliseconds(50),
        TimeProvider = time ?? TimeProvider.System,
        LoggerFactory = logs ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
    };

    /// <summary>Waits (bounded safety timeout, not an assertion on time) until a condition holds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("Condition never held: " + what);
    }
}

/// <summary>Collects every formatted log line.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue(formatter(state, exception) + " " + exception);
    }
}
