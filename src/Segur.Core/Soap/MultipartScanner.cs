using System.Text;

namespace Segur.Soap;

/// <summary>
/// Streams a MIME multipart body: finds delimiter lines (<c>CRLF--boundary</c>, bare LF tolerated, transport padding
/// allowed), reads part headers and copies part content to a sink in chunks. Memory use is one fixed buffer.
/// </summary>
internal sealed class MultipartScanner
{
    private const int ChunkSize = 81920;
    private const int MaxHeaderLine = 8192;
    private const int MaxHeaders = 64;
    private readonly Stream _stream;
    private readonly byte[] _delimiter;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public MultipartScanner(Stream stream, string boundary)
    {
        _stream = stream;
        _delimiter = Encoding.ASCII.GetBytes("\n--" + boundary);
        _buffer = new byte[ChunkSize + MaxHeaderLine + _delimiter.Length];

        // A virtual line break before the body lets the first delimiter match like the others.
        _buffer[0] = (byte)'\r';
        _buffer[1] = (byte)'\n';
        _end = 2;
    }

    /// <summary>Copies content up to the next delimiter into <paramref name="sink"/> (or discards it).</summary>
    /// <returns><see langword="true"/> when a delimiter was found and consumed; <see langword="false"/> at end of stream.</returns>
    public async ValueTask<bool> ReadToDelimiterAsync(PartBuffer? sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            var available = _buffer.AsMemory(_start, _end - _start);
            var index = available.Span.IndexOf(_delimiter);
            if (index >= 0)
            {
                var contentEnd = index > 0 && available.Span[index - 1] == (byte)'\r' ? index - 1 : index;
                if (sink is not null)
                {
                    await sink.WriteAsync(available[..contentEnd], cancellationToken).ConfigureAwait(false);
                }

                _start += index + _delimiter.Length;
                return true;
            }

            // Keep enough bytes for a delimiter (and its CR) split across reads.
            var flush = available.Length - _delimiter.Length;
            if (flush > 0)
            {
                if (sink is not null)
                {
                    await sink.WriteAsync(available[..flush], cancellationToken).ConfigureAwait(false);
                }

                _start += flush;
            }

            if (_eof)
            {
                return false;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After a delimiter: reads the close marker or the padding and line break that start a part.</summary>
    /// <returns><see langword="true"/> when this was the close delimiter (or the stream ends right there).</returns>
    public async ValueTask<bool> ReadDelimiterEndAsync(CancellationToken cancellationToken)
    {
        while (_end - _start < 2 && !_eof)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_end - _start == 0)
        {
            return true;
        }

        if (_end - _start >= 2 && _buffer[_start] == (byte)'-' && _buffer[_start + 1] == (byte)'-')
        {
            _start += 2;
            return true;
        }

        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false)
                   ?? throw Malformed("The multipart body ends inside a boundary line.");
        if (line.AsSpan().Trim(" \t").Length > 0)
        {
            throw Malformed("A boundary line is followed by unexpected characters (the boundary appears inside a part, or the boundary is wrong).");
        }

        return false;
    }

    /// <summary>Reads part headers up to the blank line; folded lines are unfolded.</summary>
    public async ValueTask<List<KeyValuePair<string, string>>> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false)
                       ?? throw Malformed("The multipart body ends inside part headers.");
            if (line.Length == 0)
            {
                return headers;
            }

            if ((line[0] == ' ' || line[0] == '\t') && headers.Count > 0)
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed("A part header line has no name (no ':').");
            }

            if (headers.Count >= MaxHeaders)
            {
                throw new SegurProtocolException(CoreErrorCodes.MultipartTooLarge, $"A part has more than {MaxHeaders} headers.");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
    }

    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (index >= 0)
            {
                var length = index > 0 && _buffer[_start + index - 1] == (byte)'\r' ? index - 1 : index;
                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start += index + 1;
                return line;
            }

            if (_end - _start >= MaxHeaderLine)
            {
                throw Malformed($"A part header line is longer than {MaxHeaderLine} bytes.");
            }

            if (_eof)
            {
                return null;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw Malformed("A multipart line is too long.");
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end, Math.Min(ChunkSize, _buffer.Length - _end)), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    internal static SegurProtocolException Malformed(string message) => new(CoreErrorCodes.MultipartMalformed, message);
}
