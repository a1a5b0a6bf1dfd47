import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  MockSearchApi,
  SearchContextProvider,
  searchApiRef,
} from '@backstage/plugin-search-react';
import { screen } from '@testing-library/react';
import { InferenceResultListItem } from './InferenceResultListItem';

describe('InferenceResultListItem', () => {
  const preTag = '<0b5f1c2a-pre>';
  const postTag = '</0b5f1c2a-pre>';
  const result = {
    title: 'Qwen2.5-0.5B-Instruct (local)',
    text: 'Model qwen25-05b-instruct in location local; VLLM serving hf://Qwen/Qwen2.5-0.5B-Instruct',
    location: '/catalog/local/resource/qwen25-05b-instruct',
    inferenceLocation: 'local',
  };
  // What Lunr answers for "qwen": whole tokens (prefix and fuzzy matches).
  const lunrHighlight = {
    preTag,
    postTag,
    fields: {
      title: `${preTag}Qwen2${postTag}.5-0.5B-Instruct (local)`,
      text: `Model ${preTag}qwen25${postTag}-05b-instruct in location local; VLLM serving hf://${preTag}Qwen${postTag}/${preTag}Qwen2${postTag}.5-0.5B-Instruct`,
    },
  };
  const marks = () =>
    Array.from(document.querySelectorAll('mark')).map(m => m.textContent);

  function inSearch(term: string, element: JSX.Element) {
    return renderInTestApp(
      <SearchContextProvider
        initialState={{ term, types: [], filters: {}, pageLimit: 25 }}
      >
        {element}
      </SearchContextProvider>,
      { apis: [[searchApiRef, new MockSearchApi({ results: [] })]] },
    );
  }

  it('marks exactly the query in the title and the text, not the rest of the matched tokens', async () => {
    await inSearch(
      'qwen',
      <InferenceResultListItem result={result} highlight={lunrHighlight} />,
    );
    expect(marks()).toEqual(['Qwen', 'qwen', 'Qwen', 'Qwen']);
    expect(
      screen.getByRole('link', { name: 'Qwen2.5-0.5B-Instruct (local)' }),
    ).toHaveAttribute('href', '/catalog/local/resource/qwen25-05b-instruct');
    expect(screen.getByText('location local')).toBeInTheDocument();
    expect(document.body.textContent).toContain(result.text);
    expect(document.body.textContent).not.toContain(preTag);
  });

  it('leaves unmarked the tokens the engine matched without the query in them', async () => {
    const whisper = {
      title: 'Faster Whisper Medium (English) (local)',
      text: 'Model faster-whisper-medium-en in location local; FasterWhisper serving hf://Systran/faster-whisper-medium.en',
      location: '/catalog/local/resource/faster-whisper-medium-en',
      inferenceLocation: 'local',
    };
    await inSearch(
      'qwen',
      <InferenceResultListItem
        result={whisper}
        highlight={{
          preTag,
          postTag,
          fields: {
            // Lunr's edit-distance-2 clause matched the token "en".
            text: `Model faster-whisper-medium-${preTag}en${postTag} in location local; FasterWhisper serving hf://Systran/faster-whisper-medium.${preTag}en${postTag}`,
          },
        }}
      />,
    );
    expect(marks()).toEqual([]);
    expect(
      screen.getByText(/^Model faster-whisper-medium-en in location local/),
    ).toBeInTheDocument();
  });

  it('marks every word of a query of several words', async () => {
    await inSearch(
      'Qwen2 instruct',
      <InferenceResultListItem result={result} highlight={lunrHighlight} />,
    );
    // Only within what the engine marked: "Instruct" was not.
    expect(marks()).toEqual(['Qwen2', 'qwen2', 'Qwen2']);
  });

  it("shows the engine's highlight as it is outside a search context", async () => {
    await renderInTestApp(
      <InferenceResultListItem result={result} highlight={lunrHighlight} />,
    );
    expect(marks()).toEqual(['Qwen2', 'qwen25', 'Qwen', 'Qwen2']);
  });

  it('shows the plain title and text without a highlight', async () => {
    await inSearch('qwen', <InferenceResultListItem result={result} />);
    expect(marks()).toHaveLength(0);
    expect(screen.getByText(result.text)).toBeInTheDocument();
  });
});
