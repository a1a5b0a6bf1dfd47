import { renderInTestApp } from '@backstage/frontend-test-utils';
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

  it('marks what the search engine highlighted, in the title and the text', async () => {
    await renderInTestApp(
      <InferenceResultListItem
        result={result}
        highlight={{
          preTag,
          postTag,
          fields: {
            title: `${preTag}Qwen2${postTag}.5-0.5B-Instruct (local)`,
            text: `Model ${preTag}qwen25${postTag}-05b-instruct in location local; VLLM serving hf://Qwen/Qwen2.5-0.5B-Instruct`,
          },
        }}
      />,
    );
    const marks = document.querySelectorAll('mark');
    expect(Array.from(marks).map(m => m.textContent)).toEqual([
      'Qwen2',
      'qwen25',
    ]);
    expect(
      screen.getByRole('link', { name: 'Qwen2.5-0.5B-Instruct (local)' }),
    ).toHaveAttribute('href', '/catalog/local/resource/qwen25-05b-instruct');
    expect(screen.getByText('location local')).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(preTag);
  });

  it('shows the plain title and text without a highlight', async () => {
    await renderInTestApp(<InferenceResultListItem result={result} />);
    expect(document.querySelectorAll('mark')).toHaveLength(0);
    expect(screen.getByText(result.text)).toBeInTheDocument();
  });
});
