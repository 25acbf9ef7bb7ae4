import ReactMarkdown from 'react-markdown';

/**
 * Renders a repository description written in Markdown. Raw HTML in it is dropped, not rendered, and link targets
 * are limited to safe protocols (react-markdown's default URL transform), so a description cannot inject script.
 */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="wharf-markdown">
      <ReactMarkdown
        skipHtml
        components={{
          a: ({ node: _node, children, ...props }) => (
            <a {...props} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
        }}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
}
