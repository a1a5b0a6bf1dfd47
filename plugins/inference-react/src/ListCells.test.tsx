import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { ListCellLines, ListCellText } from './ListCells';

describe('ListCellText', () => {
  it('ends the title and description in an ellipsis, with the whole text as a tooltip', () => {
    render(<ListCellText title="A long title" description="and more" />);
    const title = screen.getByText('A long title');
    expect(title.hasAttribute('data-truncate')).toBe(true);
    expect(title.getAttribute('title')).toBe('A long title');
    const description = screen.getByText('and more');
    expect(description.hasAttribute('data-truncate')).toBe(true);
    expect(description.getAttribute('data-color')).toBe('secondary');
  });

  it('wraps instead when asked, with no tooltip repeating what is shown', () => {
    render(<ListCellText wrap title="A long title" description="and more" />);
    for (const text of ['A long title', 'and more']) {
      const element = screen.getByText(text);
      expect(element.hasAttribute('data-truncate')).toBe(false);
      expect(element.hasAttribute('title')).toBe(false);
      // A word longer than the column breaks rather than being cut.
      expect(element.style.overflowWrap).toBe('anywhere');
    }
  });

  it('links the title and leaves out an empty description', () => {
    const { container } = render(
      <MemoryRouter>
        <ListCellText title="Acme" href="/customers/acme" description="" />
      </MemoryRouter>,
    );
    expect(
      screen.getByRole('link', { name: 'Acme' }).getAttribute('href'),
    ).toBe('/customers/acme');
    expect(container.querySelectorAll('p')).toHaveLength(0);
  });

  it('leaves out a description that is null or false (an optional field, a condition)', () => {
    const { container, rerender } = render(
      <ListCellText title="Acme" description={null} />,
    );
    expect(container.querySelectorAll('p')).toHaveLength(1);
    rerender(<ListCellText title="Acme" description={false} />);
    expect(container.querySelectorAll('p')).toHaveLength(1);
  });
});

describe('ListCellLines', () => {
  it('shows a line per item, or a dash for none', () => {
    const { rerender } = render(
      <ListCellLines label="GPUs" lines={['A100 x 2', 'L4 x 1']} />,
    );
    expect(
      Array.from(screen.getByLabelText('GPUs').querySelectorAll('p')).map(
        p => p.textContent,
      ),
    ).toEqual(['A100 x 2', 'L4 x 1']);
    rerender(<ListCellLines label="GPUs" lines={[]} />);
    expect(screen.getByLabelText('GPUs').textContent).toBe('-');
  });
});
