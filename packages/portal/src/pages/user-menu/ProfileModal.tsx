import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { updateProfile } from '../../api/users';
import { useSession } from '../../app/session';
import { SESSION_KEY } from '../../app/query-client';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';

interface Values {
  email: string;
  realname: string;
  comment: string;
}

/** The signed-in user's profile: e-mail, full name and comment (the user name cannot change). */
export function ProfileModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const save = useMutation({
    mutationFn: (values: Values) => updateProfile(user?.user_id ?? 0, values),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
      feedback.success(t('profile.saved'));
      onClose();
    },
  });
  return (
    <FormModal<Values>
      name="profile"
      open={open}
      title={t('profile.title')}
      pending={save.isPending}
      error={save.error}
      initialValues={{ email: user?.email ?? '', realname: user?.realname ?? '', comment: user?.comment ?? '' }}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      onSubmit={(values) => save.mutate(values)}
    >
      <Form.Item label={t('user.username')} htmlFor="profile_username">
        <Input id="profile_username" value={user?.username ?? ''} disabled />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('user.email')}
        rules={[
          { required: true, message: t('user.emailRequired') },
          { type: 'email', message: t('user.emailInvalid') },
        ]}
      >
        <Input type="email" autoComplete="email" />
      </Form.Item>
      <Form.Item name="realname" label={t('user.realname')} rules={[{ max: 255 }]}>
        <Input autoComplete="name" />
      </Form.Item>
      <Form.Item name="comment" label={t('user.comment')} rules={[{ max: 30, message: t('profile.commentTooLong') }]}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}
